/** ISO-8601 weeks of calendar days (YYYY-MM-DD), computed in UTC so the time zone never shifts a day. */

const DAY_MS = 24 * 60 * 60 * 1000;

function utc(day: string): Date {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) throw new Error(`${day} is not a YYYY-MM-DD date`);
  return date;
}

export function addDays(day: string, days: number): string {
  return new Date(utc(day).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday starting the ISO week that holds `day`. */
export function mondayOf(day: string): string {
  const weekday = (utc(day).getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  return addDays(day, -weekday);
}

/** `2026-W26`. */
export function isoWeek(day: string): string {
  const thursday = utc(addDays(mondayOf(day), 3));
  const year = thursday.getUTCFullYear();
  const firstJan = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - firstJan) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The calendar day of an instant in an IANA time zone. */
export function dayIn(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ms));
}
