/** `--as-of YYYY-MM-DD`: checked on its own, so the CLI can parse its options without the pipeline. */
import { InputError } from '../errors.ts';

export function parseAsOfArgument(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const date = match ? new Date(`${value.trim()}T00:00:00Z`) : null;
  if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value.trim()) {
    throw new InputError('BAD_ARGUMENT', `--as-of ${value}: expected a date as YYYY-MM-DD`);
  }
  return value.trim();
}
