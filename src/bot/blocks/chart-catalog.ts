/** `/lumen eda`: the chart catalogue, also the answer to any name that is not a chart id. */
import { CHART_CATALOG } from '../../analytics/charts/catalog.ts';
import { escapeMrkdwn, type SlackMessage, section } from '../../slack/index.ts';

/** The learner-profile chart is one learner's data: it comes through `/lumen learner`, not `eda`. */
export const EDA_CHART_IDS: readonly string[] = CHART_CATALOG.map((c) => c.id).filter(
  (id) => id !== 'learner-profile',
);

export function chartCatalogMessage(unknownName: string | null = null): SlackMessage {
  const intro = unknownName
    ? `There is no chart called \`${escapeMrkdwn(unknownName.slice(0, 60))}\`. Pick one of these:`
    : 'Charts you can ask for with `/lumen eda <chart>`:';
  const lines = CHART_CATALOG.filter((c) => EDA_CHART_IDS.includes(c.id)).map(
    (c) => `\`${c.id}\` - ${c.title}`,
  );
  return {
    text: `${intro} ${EDA_CHART_IDS.join(', ')}`,
    blocks: [section(intro), section(lines.join('\n'))],
  };
}

/** The one-line caption posted with a chart. */
export function chartCaption(chartId: string): string {
  const entry = CHART_CATALOG.find((c) => c.id === chartId);
  return entry ? `*${entry.title}*: ${entry.description}` : chartId;
}
