/**
 * Deterministic synthetic LMS export in the exact shape of the real one (test/fixtures/lumenra-sample):
 * the same five CSV files and header quirks, realistic learner behaviour with a real dropout signal,
 * and a sprinkling of dirty rows. Learners are simulated and written one at a time, so memory stays
 * flat whatever the size; the same seed and options always give byte-identical files.
 */
import { mkdir } from 'node:fs/promises';
import { LumenError } from '../errors.ts';
import { ActivityWriter } from './generate/activity-writer.ts';
import { COURSES } from './generate/catalog.ts';
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
import { drawLearner, START_WINDOW_DAYS, userLine } from './generate/users.ts';

export interface GenerateOptions {
  learners: number;
  seed: number;
  outDir: string;
  /** ISO-8601 date-times (with times of day) for event_time and attempt_date instead of M/D/YYYY. */
  timestamps?: boolean;
  /** Last day of the export, YYYY-MM-DD. */
  endDate?: string;
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

export const DEFAULT_END_DATE = '2026-06-28';

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
}

export async function generateLmsData(opts: GenerateOptions): Promise<GenerateResult> {
  const settings = readSettings(opts);
  await mkdir(opts.outDir, { recursive: true });
  const outputs = openOutputs(opts.outDir);
  const all = Object.values(outputs);
  try {
    writeCatalog(outputs, settings);
    await writeLearners(outputs, settings, opts.onProgress);
    await Promise.all(all.map((file) => file.finish()));
    await Promise.all(all.map((file) => file.commit()));
  } catch (error) {
    await Promise.all(all.map((file) => file.discard()));
    throw error;
  }
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
  return {
    learners: opts.learners,
    seedHash: seedHash(opts.seed),
    endDay,
    timestamps: opts.timestamps ?? false,
  };
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
