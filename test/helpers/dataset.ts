import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Rows of a tiny hand-made export; headers are the sample export's, quirks included. */
export interface Dataset {
  users?: string[][];
  courses?: string[][];
  modules?: string[][];
  lessons: string[][];
  quizzes: string[][];
  /** Rows of the optional lms_enrolments.csv; the file is written only when given. */
  enrolments?: string[][];
  /** Other header lines (optional columns), per file. */
  headers?: Partial<typeof HEADERS>;
}

export const HEADERS = {
  users: 'user_id,first_name,last_name,email,department ,role,created_at,updated_at',
  courses: 'course_id,course_name,category ,created_at',
  modules: 'module_id,course_id,module_name,sequence_no',
  lessons: 'activity_id,user_id,module_id,status,progress ,event_time',
  quizzes: 'attempt_id,user_id,module_id,score,attempt_date',
  enrolments: 'user_id,course_id,enrolled_at,status,status_at,final_score',
};

export const DEFAULT_USERS = [
  ['U1', 'Ada', 'Lovelace', 'ada@example.org', 'Research', 'learner', '1/5/2026', '1/6/2026'],
  ['U2', 'Alan', 'Turing', 'alan@example.org', 'Research', 'Student ', '1/5/2026', '1/6/2026'],
  ['A1', 'Grace', 'Hopper', 'grace@example.org', 'IT', 'admin', '1/5/2026', '1/6/2026'],
];
export const DEFAULT_COURSES = [['C1', 'Course one', 'Cat', '1/1/2026']];
export const DEFAULT_MODULES = [
  ['M1', 'C1', 'Module one', '1'],
  ['M2', 'C1', 'Module two', '2'],
];

function csv(header: string, rows: string[][]): string {
  return `${[header, ...rows.map((r) => r.join(','))].join('\n')}\n`;
}

export function writeDataset(dir: string, data: Dataset): string {
  writeFileSync(
    join(dir, 'lms_users.csv'),
    csv(data.headers?.users ?? HEADERS.users, data.users ?? DEFAULT_USERS),
  );
  writeFileSync(
    join(dir, 'lms_courses.csv'),
    csv(data.headers?.courses ?? HEADERS.courses, data.courses ?? DEFAULT_COURSES),
  );
  writeFileSync(
    join(dir, 'lms_modules.csv'),
    csv(data.headers?.modules ?? HEADERS.modules, data.modules ?? DEFAULT_MODULES),
  );
  writeFileSync(
    join(dir, 'lms_lesson_activity.csv'),
    csv(data.headers?.lessons ?? HEADERS.lessons, data.lessons),
  );
  writeFileSync(
    join(dir, 'lms_quiz_attempts.csv'),
    csv(data.headers?.quizzes ?? HEADERS.quizzes, data.quizzes),
  );
  if (data.enrolments) {
    writeFileSync(
      join(dir, 'lms_enrolments.csv'),
      csv(data.headers?.enrolments ?? HEADERS.enrolments, data.enrolments),
    );
  }
  return dir;
}
