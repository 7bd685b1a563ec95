/**
 * Deterministic synthetic LMS export in the exact shape of the real one (test/fixtures/lumenra-sample):
 * the same five CSV files and header quirks, realistic learner behaviour with a real dropout signal,
 * and a sprinkling of dirty rows. Learners are simulated and written one at a time, so memory stays
 * flat whatever the size; the same seed and options always give byte-identical files.
 * Two styles: `default` (learners start any day and work through self-paced courses) and `cohort`
 * (dated course presentations with assessment deadlines, lms_enrolments.csv and a hidden truth file).
 */
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { LumenError } from '../errors.ts';
import { ActivityWriter } from './generate/activity-writer.ts';
import { COURSES } from './generate/catalog.ts';
import {
  type CohortOutputs,
  ENROLMENTS_HEADER,
  TRUTH_HEADER,
  writeCohortCatalog,
  writeCohortLearners,
} from './generate/cohort.ts';
import { CsvFile } from './generate/csv-file.ts';
import { meanDefectGap } from './generate/defects.ts';
import {
  courseId,
  csvField,
  moduleId,
  parseIsoDay,
  SECONDS_PER_DAY,
  usDate,
  userId,
} from './generate/format.ts';
import { Rng, seedHash, streamSeed } from './generate/random.ts';
import { simulateActivity } from './generate/simulation.ts';
import { GENERATE_STYLES, type GenerateStyle, STUDY_PATTERNS, type StudyPattern } from './generate/styles.ts';
import { drawLearner, START_WINDOW_DAYS, userLine } from './generate/users.ts';

export interface GenerateOptions {
  learners: number;
  seed: number;
  outDir: string;
  /** ISO-8601 date-times (with times of day) for event_time and attempt_date instead of M/D/YYYY. */
  timestamps?: boolean;
  /** Last day of the export, YYYY-MM-DD. */
  endDate?: string;
  /** `cohort`: dated course presentations with deadlines (see generate/cohort-catalog.ts). */
  style?: GenerateStyle;
  /** Cohort style: write lms_enrolments.csv (default true). The other files are the same either way. */
  enrolments?: boolean;
  /** Cohort style: where the hidden truth file goes; default TRUTH_DIR/TRUTH_FILE inside outDir. */
  truthPath?: string;
  /** Cohort style: how learners study (default `bursty`; see StudyPattern). */
  study?: StudyPattern;
  onProgress?: (learnersDone: number) => void;
}

export interface GeneratedFile {
  path: string;
  /** Data rows, header excluded. */
  rows: number;
}

export interface GenerateResult {
  /** Keyed by file name, e.g. `lms_users.csv`. */
  files: Record<string, GeneratedFile>;
}

export { GENERATE_STYLES, type GenerateStyle };

export const DEFAULT_END_DATE = '2026-06-28';
/**
 * The truth sits in a subfolder of the export by default: the loader reads only the lms_*.csv files
 * at the top of the folder, so it never sees the truth, yet the truth travels with its export.
 */
export const TRUTH_DIR = 'truth';
export const TRUTH_FILE = 'truth_enrolments.csv';
export const ENROLMENTS_FILE = 'lms_enrolments.csv';

/** Columns the cohort style adds after the usual ones; the current loader ignores them. */
const COHORT_EXTRA_COLUMNS = {
  'lms_courses.csv': ',ends_at,modules_required',
  'lms_modules.csv': ',required',
} as const;

/** Header lines exactly as the LMS writes them, trailing spaces included. */
export const LMS_HEADERS = {
  'lms_users.csv': 'user_id,first_name,last_name,email,department ,role,created_at,updated_at',
  'lms_courses.csv': 'course_id,course_name,category ,created_at',
  'lms_modules.csv': 'module_id,course_id,module_name,sequence_no',
  'lms_lesson_activity.csv': 'activity_id,user_id,module_id,status,progress ,event_time',
  'lms_quiz_attempts.csv': 'attempt_id,user_id,module_id,score,attempt_date',
} as const;

type FileName = keyof typeof LMS_HEADERS;
type Outputs = Record<FileName, CsvFile>;

/** Rough averages, used only to size the dirty-row schedule before any row exists. */
const EXPECTED_LESSON_ROWS_PER_LEARNER = 95;
const EXPECTED_QUIZ_ROWS_PER_LEARNER = 5.5;
const PROGRESS_EVERY = 1000;

/** Independent random streams derived from the seed. */
const STREAM = { learner: 1, catalog: 2, defects: 3, staff: 4 } as const;

interface Settings {
  readonly learners: number;
  readonly seedHash: number;
  readonly endDay: number;
  readonly timestamps: boolean;
  readonly style: GenerateStyle;
  readonly study: StudyPattern;
}

/**
 * Runs `write`, then finishes and commits every file, or discards them all when anything failed:
 * never a half-written export.
 */
async function allOrNothing(files: readonly CsvFile[], write: () => Promise<void>): Promise<void> {
  try {
    await write();
    await Promise.all(files.map((file) => file.finish()));
    await Promise.all(files.map((file) => file.commit()));
  } catch (error) {
    await Promise.all(files.map((file) => file.discard()));
    throw error;
  }
}

export async function generateLmsData(opts: GenerateOptions): Promise<GenerateResult> {
  const settings = readSettings(opts);
  if (settings.style === 'cohort') return generateCohort(opts, settings);
  await mkdir(opts.outDir, { recursive: true });
  const outputs = openOutputs(opts.outDir);
  const all = Object.values(outputs);
  await allOrNothing(all, async () => {
    writeCatalog(outputs, settings);
    await writeLearners(outputs, settings, opts.onProgress);
  });
  const files: Record<string, GeneratedFile> = {};
  for (const [name, file] of Object.entries(outputs)) files[name] = { path: file.path, rows: file.rows };
  return { files };
}

function readSettings(opts: GenerateOptions): Settings {
  if (!Number.isSafeInteger(opts.learners) || opts.learners < 0) {
    throw new LumenError('BAD_ARGUMENT', `learners must be a whole number >= 0, got ${opts.learners}`);
  }
  if (!Number.isSafeInteger(opts.seed)) {
    throw new LumenError('BAD_ARGUMENT', `seed must be a whole number, got ${opts.seed}`);
  }
  const endDate = opts.endDate ?? DEFAULT_END_DATE;
  const endDay = parseIsoDay(endDate);
  if (endDay === null) throw new LumenError('BAD_ARGUMENT', `endDate must be YYYY-MM-DD, got ${endDate}`);
  const style = opts.style ?? 'default';
  if (!GENERATE_STYLES.includes(style)) {
    throw new LumenError('BAD_ARGUMENT', `style must be one of ${GENERATE_STYLES.join(', ')}, got ${style}`);
  }
  if (
    style !== 'cohort' &&
    (opts.enrolments !== undefined || opts.truthPath !== undefined || opts.study !== undefined)
  ) {
    throw new LumenError('BAD_ARGUMENT', 'enrolments, truthPath and study apply to the cohort style only');
  }
  const study = opts.study ?? 'bursty';
  if (!STUDY_PATTERNS.includes(study)) {
    throw new LumenError('BAD_ARGUMENT', `study must be one of ${STUDY_PATTERNS.join(', ')}, got ${study}`);
  }
  // Export files are lms_*.csv; a truth file named like one would be read (and fingerprinted) as data.
  if (opts.truthPath !== undefined && /^lms_/i.test(basename(opts.truthPath))) {
    throw new LumenError('BAD_ARGUMENT', `the truth file must not be named lms_*: ${opts.truthPath}`);
  }
  return {
    learners: opts.learners,
    seedHash: seedHash(opts.seed),
    endDay,
    timestamps: opts.timestamps ?? false,
    style,
    study,
  };
}

/** Where the cohort style's truth file goes. */
export function truthPathOf(opts: Pick<GenerateOptions, 'outDir' | 'truthPath'>): string {
  return resolve(opts.truthPath ?? join(opts.outDir, TRUTH_DIR, TRUTH_FILE));
}

async function generateCohort(opts: GenerateOptions, settings: Settings): Promise<GenerateResult> {
  const truthPath = truthPathOf(opts);
  await mkdir(opts.outDir, { recursive: true });
  await mkdir(dirname(truthPath), { recursive: true });
  const open = (name: FileName) =>
    CsvFile.open(
      opts.outDir,
      name,
      LMS_HEADERS[name] + (COHORT_EXTRA_COLUMNS[name as keyof typeof COHORT_EXTRA_COLUMNS] ?? ''),
    );
  const outputs: CohortOutputs = {
    users: open('lms_users.csv'),
    courses: open('lms_courses.csv'),
    modules: open('lms_modules.csv'),
    lessons: open('lms_lesson_activity.csv'),
    quizzes: open('lms_quiz_attempts.csv'),
    enrolments:
      opts.enrolments === false ? null : CsvFile.open(opts.outDir, ENROLMENTS_FILE, ENROLMENTS_HEADER),
    truth: CsvFile.open(dirname(truthPath), basename(truthPath), TRUTH_HEADER),
  };
  const named: [string, CsvFile][] = [
    ['lms_users.csv', outputs.users],
    ['lms_courses.csv', outputs.courses],
    ['lms_modules.csv', outputs.modules],
    ['lms_lesson_activity.csv', outputs.lessons],
    ['lms_quiz_attempts.csv', outputs.quizzes],
    ...(outputs.enrolments ? ([[ENROLMENTS_FILE, outputs.enrolments]] as [string, CsvFile][]) : []),
    [basename(truthPath), outputs.truth],
  ];
  const all = named.map(([, file]) => file);
  await allOrNothing(all, async () => {
    writeCohortCatalog(outputs, settings.seedHash);
    await writeCohortLearners(outputs, settings, opts.onProgress);
  });
  const files: Record<string, GeneratedFile> = {};
  for (const [name, file] of named) files[name] = { path: file.path, rows: file.rows };
  return { files };
}

function openOutputs(dir: string): Outputs {
  const open = (name: FileName) => CsvFile.open(dir, name, LMS_HEADERS[name]);
  return {
    'lms_users.csv': open('lms_users.csv'),
    'lms_courses.csv': open('lms_courses.csv'),
    'lms_modules.csv': open('lms_modules.csv'),
    'lms_lesson_activity.csv': open('lms_lesson_activity.csv'),
    'lms_quiz_attempts.csv': open('lms_quiz_attempts.csv'),
  };
}

/** Courses were all set up in the weeks before the first learner could start. */
function writeCatalog(outputs: Outputs, settings: Settings): void {
  const rng = new Rng(streamSeed(settings.seedHash, STREAM.catalog));
  let module = 0;
  COURSES.forEach((course, i) => {
    const created = settings.endDay - START_WINDOW_DAYS - rng.int(7, 21);
    const id = courseId(i + 1);
    outputs['lms_courses.csv'].push(
      `${id},${csvField(course.name)},${csvField(course.category)},${usDate(created)}\n`,
    );
    course.modules.forEach((spec, position) => {
      module++;
      outputs['lms_modules.csv'].push(`${moduleId(module)},${id},${csvField(spec.name)},${position + 1}\n`);
    });
  });
}

function allModuleIds(): string[] {
  const total = COURSES.reduce((sum, course) => sum + course.modules.length, 0);
  return Array.from({ length: total }, (_, i) => moduleId(i + 1));
}

async function writeLearners(
  outputs: Outputs,
  settings: Settings,
  onProgress: ((learnersDone: number) => void) | undefined,
): Promise<void> {
  const { learners, seedHash: hash, endDay } = settings;
  const endAt = (endDay + 1) * SECONDS_PER_DAY;
  const staffPhase = new Rng(streamSeed(hash, STREAM.staff)).next();
  const activity = new ActivityWriter({
    lessons: outputs['lms_lesson_activity.csv'],
    quizzes: outputs['lms_quiz_attempts.csv'],
    timestamps: settings.timestamps,
    moduleIds: allModuleIds(),
    learners,
    defectRng: new Rng(streamSeed(hash, STREAM.defects)),
    lessonDefectGap: meanDefectGap(learners * EXPECTED_LESSON_ROWS_PER_LEARNER, 16),
    quizDefectGap: meanDefectGap(learners * EXPECTED_QUIZ_ROWS_PER_LEARNER, 8),
  });
  const all = Object.values(outputs);
  const rng = new Rng(0);
  for (let index = 0; index < learners; index++) {
    rng.reseed(streamSeed(hash, STREAM.learner, index));
    const learner = drawLearner(rng, index, userId(index + 1), endDay, staffPhase);
    outputs['lms_users.csv'].push(userLine(rng, learner, endDay));
    activity.startLearner(learner.id, learner.timestampStyle);
    simulateActivity(rng, learner, activity, endAt);
    if (all.some((file) => file.blocked)) await Promise.all(all.map((file) => file.drain()));
    if ((index + 1) % PROGRESS_EVERY === 0) onProgress?.(index + 1);
  }
  if (learners % PROGRESS_EVERY !== 0 || learners === 0) onProgress?.(learners);
}
