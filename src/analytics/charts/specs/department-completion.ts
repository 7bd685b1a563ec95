import type { TopLevelSpec } from 'vega-lite';
import { baseSpec, type ChartContext, noDataSpec, OUTCOME_COLORS } from '../theme.ts';

/** One row per department x outcome (queries/eda/eda_department_completion.sql). */
export interface DepartmentOutcomeRow {
  readonly department: string;
  readonly outcome: string;
  readonly learners: number;
  readonly department_learners: number;
  readonly share: number;
}

export const DEPARTMENT_COMPLETION_TITLE = 'Outcomes by department';

/** Left to right: done, still going, gone. */
const STACK_ORDER = ['completed', 'open', 'dropped'];

function departmentLabel(row: Pick<DepartmentOutcomeRow, 'department' | 'department_learners'>): string {
  return `${row.department} (${row.department_learners.toLocaleString('en-US')})`;
}

/** Departments by completed share, highest first, so the ranking is the reading order. */
export function departmentsByCompletion(rows: readonly DepartmentOutcomeRow[]): string[] {
  const completed = new Map<string, number>();
  for (const r of rows) {
    const label = departmentLabel(r);
    completed.set(label, (completed.get(label) ?? 0) + (r.outcome === 'completed' ? r.share : 0));
  }
  return [...completed].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([label]) => label);
}

export function departmentCompletionSpec(
  rows: readonly DepartmentOutcomeRow[],
  context: ChartContext,
): TopLevelSpec {
  if (rows.length === 0) return noDataSpec(DEPARTMENT_COMPLETION_TITLE, context);
  const departments = departmentsByCompletion(rows);
  const base = baseSpec(
    DEPARTMENT_COMPLETION_TITLE,
    context,
    'Share of each department’s learners (count in brackets) · sorted by completed share',
  );
  const y = {
    field: 'department_label',
    type: 'nominal' as const,
    title: 'Department (learners)',
    sort: departments,
    axis: { labelLimit: 260 },
  };
  return {
    ...base,
    height: Math.max(160, departments.length * 32),
    data: {
      values: rows.map((r) => ({
        department_label: departmentLabel(r),
        outcome: r.outcome,
        learners: r.learners,
        share: r.share,
        stack_order:
          STACK_ORDER.indexOf(r.outcome) === -1 ? STACK_ORDER.length : STACK_ORDER.indexOf(r.outcome),
        // Small segments get no label: it would not fit.
        share_label: r.share >= 0.08 ? `${Math.round(r.share * 100)}%` : '',
      })),
    },
    encoding: {
      y,
      x: {
        field: 'share',
        type: 'quantitative',
        title: 'Share of learners',
        stack: 'zero',
        scale: { domain: [0, 1] },
        axis: { format: '%' },
      },
      order: { field: 'stack_order', type: 'quantitative', sort: 'ascending' },
    },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: { color: { field: 'outcome', type: 'nominal', title: 'Outcome', scale: OUTCOME_COLORS } },
      },
      {
        mark: { type: 'text', dx: -4, align: 'right', fontSize: 10, color: '#FFFFFF' },
        encoding: { text: { field: 'share_label', type: 'nominal' } },
      },
    ],
  };
}
