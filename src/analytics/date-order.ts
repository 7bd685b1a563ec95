/**
 * Day/month order of slash dates (3/2/2026), decided per file: a first field above 12 can only be a
 * day (D/M/Y), a second field above 12 only a day too (M/D/Y). A file showing both stops the run;
 * a file showing neither is ambiguous: LUMEN_DATE_ORDER when set, else the order every decided
 * file of the export agrees on, else M/D/Y (the LMS export's); when the decided files disagree and
 * nothing is set, an ambiguous file whose order matters stops the run. Pure: the evidence comes
 * from load.ts.
 */
import { InputError } from '../errors.ts';

export type DateOrder = 'mdy' | 'dmy';

export const DATE_ORDER_LABELS: Record<DateOrder, string> = { mdy: 'M/D/YYYY', dmy: 'D/M/YYYY' };

/** One slash date of a file, as a line and its text. */
export interface DateSighting {
  readonly column: string;
  readonly line: number;
  readonly value: string;
}

/** What a file's slash dates say about their order (first sightings, in file order). */
export interface DateOrderEvidence {
  readonly file: string;
  /** The first value with a first field above 12. */
  readonly dayFirst: DateSighting | null;
  /** The first value with a second field above 12. */
  readonly monthFirst: DateSighting | null;
  /** The first value whose day and month differ (both 12 or below): the order changes its date. */
  readonly swappable: DateSighting | null;
}

/** The order a file is read in, and why (for the data-quality report). */
export interface DateOrderDecision {
  readonly file: string;
  readonly order: DateOrder;
  readonly reason: string;
}

function sighting(s: DateSighting): string {
  return `line ${s.line} (${s.column} ${JSON.stringify(s.value)})`;
}

/** Decides each file's order; throws one InputError line for a file mixing both orders. */
export function decideDateOrders(
  evidence: readonly DateOrderEvidence[],
  setting: DateOrder | null,
): DateOrderDecision[] {
  for (const e of evidence) {
    if (e.dayFirst && e.monthFirst) {
      const [first, conflict] =
        e.dayFirst.line < e.monthFirst.line ? [e.dayFirst, e.monthFirst] : [e.monthFirst, e.dayFirst];
      const orderOf = (s: DateSighting) => (s === e.dayFirst ? 'D/M/YYYY' : 'M/D/YYYY');
      throw new InputError(
        'BAD_VALUE',
        `${e.file}: ${conflict.column}, line ${conflict.line}: ${JSON.stringify(conflict.value)} is ${orderOf(conflict)} but ${sighting(first)} is ${orderOf(first)}; one file must use one date order`,
      );
    }
  }
  const decided = new Set(
    evidence.flatMap((e) => (e.dayFirst ? ['dmy' as const] : e.monthFirst ? ['mdy' as const] : [])),
  );
  return evidence.map((e) => {
    if (e.dayFirst) return { file: e.file, order: 'dmy', reason: `decided by ${sighting(e.dayFirst)}` };
    if (e.monthFirst) return { file: e.file, order: 'mdy', reason: `decided by ${sighting(e.monthFirst)}` };
    if (!e.swappable) {
      return { file: e.file, order: setting ?? 'mdy', reason: 'no slash date whose day and month differ' };
    }
    if (setting)
      return { file: e.file, order: setting, reason: `no field above 12; LUMEN_DATE_ORDER=${setting}` };
    if (decided.size === 2) {
      throw new InputError(
        'BAD_VALUE',
        `${e.file}: ${e.swappable.column}, line ${e.swappable.line}: ${JSON.stringify(e.swappable.value)} may be D/M/YYYY or M/D/YYYY (no field above 12 in this file, and the other files disagree); set LUMEN_DATE_ORDER=dmy or mdy`,
      );
    }
    const [other] = [...decided];
    if (other)
      return { file: e.file, order: other, reason: 'no field above 12; the order of the other files' };
    return { file: e.file, order: 'mdy', reason: 'no field above 12 in any file; M/D/YYYY (the LMS export)' };
  });
}
