import pandas as pd, numpy as np, sys
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict, GroupKFold
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline
W=sys.argv[1]; asof=pd.Timestamp('2026-03-29')
pred=pd.read_csv(f'{W}/mid/latest/ML_Prediction.csv')
end=pd.read_csv(f'{W}/end/latest/learner_outcomes.csv')
mods=pd.read_csv(f'{W}/data/lms_modules.csv')
act=pd.read_csv(f'{W}/data/lms_lesson_activity.csv'); act.columns=[c.strip() for c in act.columns]
qz=pd.read_csv(f'{W}/data/lms_quiz_attempts.csv'); qz.columns=[c.strip() for c in qz.columns]
act['t']=pd.to_datetime(act.event_time, format='%m/%d/%Y', errors='coerce'); qz['t']=pd.to_datetime(qz.attempt_date, format='%m/%d/%Y', errors='coerce')
act=act[act.t<=asof].merge(mods[['module_id','course_id']]); qz=qz[qz.t<=asof].merge(mods[['module_id','course_id']])
d=pred.merge(end[['user_id','course_id','outcome']], on=['user_id','course_id'])
d=d[d.outcome.isin(['completed','dropped'])].copy(); d['y']=(d.outcome!='completed').astype(int)
print('n',len(d),'base',d.y.mean(),'auc risk',roc_auc_score(d.y,d.risk_score))
# learner-level failed quizzes (all courses) and course-level
qz['fail']=(qz.score<60).astype(int)
fl=qz.groupby('user_id').fail.sum().rename('fails_all'); fc=qz.groupby(['user_id','course_id']).fail.sum().rename('fails_course')
last=qz.sort_values('t').groupby(['user_id','course_id']).score.last().rename('last_score')
ad=act.groupby(['user_id','course_id']).t.agg(['min','max','nunique']).rename(columns={'min':'first','max':'lastact','nunique':'adays'})
adl=act.groupby('user_id').t.agg(['max','nunique','min']).rename(columns={'max':'lastany','nunique':'adays_all','min':'firstany'})
d=d.merge(fl,left_on='user_id',right_index=True,how='left').merge(fc,left_on=['user_id','course_id'],right_index=True,how='left').merge(last,left_on=['user_id','course_id'],right_index=True,how='left').merge(ad,left_on=['user_id','course_id'],right_index=True,how='left').merge(adl,left_on='user_id',right_index=True,how='left')
d=d.fillna({'fails_all':0,'fails_course':0})
d['sil']=(asof-d.lastact).dt.days; d['silany']=(asof-d.lastany).dt.days
d['tenure']=(asof-d['first']).dt.days+1; d['rate']=d.adays/np.maximum(d.tenure,7)
d['tenany']=(asof-d.firstany).dt.days+1; d['rate_all']=d.adays_all/np.maximum(d.tenany,7)
d['lr']=np.log(d.risk_score/(1-d.risk_score+1e-9)+1e-9)
for c in ['fails_all','fails_course','last_score','sil','silany','rate','rate_all','adays_all']:
    v=d[c].fillna(d[c].median()); print(c, 'auc alone', round(roc_auc_score(d.y,v),3), 'corr w/ y', round(np.corrcoef(v,d.y)[0,1],3))
def cv(cols):
    X=d[cols].fillna(d[cols].median()).values
    p=cross_val_predict(make_pipeline(StandardScaler(),LogisticRegression()),X,d.y,cv=GroupKFold(5),groups=d.user_id,method='predict_proba')[:,1]
    return round(roc_auc_score(d.y,p),4)
print('lr only',cv(['lr']))
for c in [['fails_all'],['fails_course'],['silany'],['rate_all'],['rate'],['fails_all','silany','rate_all']]:
    print('lr +',c,cv(['lr']+c))
