/**
 * Text formatting for the CSV rows. These run for every one of millions of rows, so dates are
 * cached per day and times are assembled from a precomputed two-digit table.
 */

export const SECONDS_PER_DAY = 86_400;

const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

function twoDigits(n: number): string {
  return TWO_DIGITS[n] ?? String(n).padStart(2, '0');
}

/** How an event's time is written in timestamp mode; picked per learner, as if per client app. */
export type TimestampStyle =
  | { readonly kind: 'utc' }
  | { readonly kind: 'offset'; readonly minutes: number; readonly suffix: string }
  | { readonly kind: 'naive' };

export function offsetStyle(minutes: number): TimestampStyle {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return {
    kind: 'offset',
    minutes,
    suffix: `${sign}${twoDigits(Math.floor(abs / 60))}:${twoDigits(abs % 60)}`,
  };
}

export const UTC_STYLE: TimestampStyle = { kind: 'utc' };

/** Days since the Unix epoch of a `YYYY-MM-DD` string, or null if it is not a real date. */
export function parseIsoDay(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  return ms / 1000 / SECONDS_PER_DAY;
}

/** Memoises a per-day rendering; an export spans a few hundred distinct days at most. */
class DayCache {
  private readonly cache = new Map<number, string>();

  constructor(private readonly render: (date: Date) => string) {}

  get(day: number): string {
    let text = this.cache.get(day);
    if (text === undefined) {
      text = this.render(new Date(day * SECONDS_PER_DAY * 1000));
      this.cache.set(day, text);
    }
    return text;
  }
}

const usDays = new DayCache((d) => `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`);
const isoDays = new DayCache(
  (d) => `${d.getUTCFullYear()}-${twoDigits(d.getUTCMonth() + 1)}-${twoDigits(d.getUTCDate())}`,
);

/** M/D/YYYY without zero padding, as the LMS exports dates. */
export function usDate(day: number): string {
  return usDays.get(day);
}

/** Date-time text of an instant given in seconds since the epoch. */
export function timestamp(seconds: number, style: TimestampStyle): string {
  const local = style.kind === 'offset' ? seconds + style.minutes * 60 : seconds;
  const day = Math.floor(local / SECONDS_PER_DAY);
  const inDay = local - day * SECONDS_PER_DAY;
  const hh = twoDigits(Math.floor(inDay / 3600));
  const mm = twoDigits(Math.floor(inDay / 60) % 60);
  if (style.kind === 'naive') return `${isoDays.get(day)} ${hh}:${mm}`;
  const ss = twoDigits(inDay % 60);
  const zone = style.kind === 'offset' ? style.suffix : 'Z';
  return `${isoDays.get(day)}T${hh}:${mm}:${ss}${zone}`;
}

/** Two decimals at most, trailing zeros dropped (`92.6`, `100`), like the sample export. */
export function decimal2(value: number): string {
  // Integer arithmetic: number-to-string of a double is the slowest step of a row otherwise.
  const hundredths = Math.round(Math.abs(value) * 100);
  const sign = value < 0 && hundredths !== 0 ? '-' : '';
  const whole = Math.floor(hundredths / 100);
  const fraction = hundredths - whole * 100;
  if (fraction === 0) return `${sign}${whole}`;
  if (fraction % 10 === 0) return `${sign}${whole}.${fraction / 10}`;
  return `${sign}${whole}.${twoDigits(fraction)}`;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180: quote a field only when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function paddedId(prefix: string, n: number, width: number): string {
  const limit = 10 ** width;
  // Digits of limit + n minus the leading 1: a fast zero pad; ids past the width just grow.
  return n < limit ? prefix + String(limit + n).slice(1) : prefix + String(n);
}

export const userId = (n: number): string => paddedId('U', n, 7);
export const activityId = (n: number): string => paddedId('ACT', n, 9);
export const attemptId = (n: number): string => paddedId('QZ', n, 8);
export const courseId = (n: number): string => paddedId('C', n, 3);
export const moduleId = (n: number): string => paddedId('M', n, 3);
