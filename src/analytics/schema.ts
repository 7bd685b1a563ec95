/**
 * The input contract: five CSV files in one folder, and an optional sixth, with the columns each must
 * have. Header names are matched after trimming and lower-casing; order and extra columns do not matter.
 */
export type SourceName = 'users' | 'courses' | 'modules' | 'lesson_activity' | 'quiz_attempts' | 'enrolments';

export interface SourceSpec {
  readonly name: SourceName;
  readonly file: string;
  readonly required: readonly string[];
  readonly optional: readonly string[];
  /** Event files may hold a header only (no quizzes yet); the reference files may not. */
  readonly mayBeEmpty?: boolean;
  /**
   * The export may leave the file out. The loader then makes its raw table empty, with the contract
   * columns, so every model reads it the same way; a file that is there is checked like the others.
   */
  readonly optionalFile?: boolean;
  /** Columns holding dates: their slash dates decide the file's day/month order (date-order.ts). */
  readonly dateColumns: readonly string[];
}

export const SOURCES: readonly SourceSpec[] = [
  {
    name: 'users',
    file: 'lms_users.csv',
    required: [
      'user_id',
      'first_name',
      'last_name',
      'email',
      'department',
      'role',
      'created_at',
      'updated_at',
    ],
    optional: [],
    dateColumns: ['created_at', 'updated_at'],
  },
  {
    name: 'courses',
    file: 'lms_courses.csv',
    required: ['course_id', 'course_name', 'category', 'created_at'],
    // The course's completion rule (N of its modules) and its end date, when the LMS exports them.
    optional: ['modules_required', 'ends_at'],
    dateColumns: ['created_at'],
  },
  {
    name: 'modules',
    file: 'lms_modules.csv',
    required: ['module_id', 'course_id', 'module_name', 'sequence_no'],
    // required: whether a module counts towards completion (default: every module does).
    optional: ['content_type', 'required'],
    dateColumns: [],
  },
  {
    name: 'lesson_activity',
    file: 'lms_lesson_activity.csv',
    required: ['activity_id', 'user_id', 'module_id', 'status', 'progress', 'event_time'],
    optional: [],
    dateColumns: ['event_time'],
    mayBeEmpty: true,
  },
  {
    name: 'quiz_attempts',
    file: 'lms_quiz_attempts.csv',
    required: ['attempt_id', 'user_id', 'module_id', 'score', 'attempt_date'],
    optional: [],
    dateColumns: ['attempt_date'],
    mayBeEmpty: true,
  },
  {
    // Each enrolment (learner x course) with its status as the LMS shows it; when given, enrolments
    // and known outcomes come from it. A header-only file is refused like the reference files: an
    // export that has enrolments always has at least one.
    name: 'enrolments',
    file: 'lms_enrolments.csv',
    required: ['user_id', 'course_id', 'enrolled_at', 'status', 'status_at'],
    optional: ['final_score'],
    dateColumns: ['enrolled_at', 'status_at'],
    optionalFile: true,
  },
];

/** Why a row was left out, in the order a row with several problems is counted. */
export const EXCLUSION_REASONS = [
  'staff_account',
  'unknown_user',
  'unknown_course',
  'unknown_module',
  'unparseable_value',
  'out_of_range',
  'duplicate_id',
  'outside_span',
  'after_as_of',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export const REASON_LABELS: Record<ExclusionReason, string> = {
  staff_account: 'staff account',
  unknown_user: 'unknown user',
  unknown_course: 'unknown course',
  unknown_module: 'unknown module',
  unparseable_value: 'unparseable value',
  out_of_range: 'value outside 0-100',
  duplicate_id: 'duplicate id',
  outside_span: "date outside the export's span",
  after_as_of: 'event after the as-of date',
};
