/**
 * Parsers of the CLI's option values. Commander calls them while it parses, before any command
 * module is loaded, so they import nothing heavy (no pipeline, no DuckDB).
 */
import { InvalidArgumentError } from 'commander';
import { parseAsOfArgument } from '../analytics/as-of.ts';
import { parseEvery } from '../analytics/backtest.ts';

export function asOfOption(value: string): string {
  try {
    return parseAsOfArgument(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

/** A date option other than --as-of: the same check, the message without the flag (commander names it). */
export function dateOption(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value.trim()))
    throw new InvalidArgumentError('expected a date as YYYY-MM-DD');
  return asOfOption(value);
}

export function everyOption(value: string): number {
  try {
    return parseEvery(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive whole number, got ${value}`);
  return n;
}

export function choiceOption<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    const choice = choices.find((c) => c === value);
    if (choice === undefined)
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got ${value}`);
    return choice;
  };
}
