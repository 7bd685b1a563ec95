/**
 * Wall-clock instants computed from the test's own clock, so no test hard-codes "next Monday".
 * Independent of the code under test: local times come from Intl (the platform's time-zone data),
 * not from the cron library the scheduler uses.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** The wall-clock reading of `ms` in `timeZone`, as if that reading were UTC. */
function wallClockAsUtc(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  return Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
}

/** The instant at which the wall clock in `timeZone` reads `day` (YYYY-MM-DD) at hour:minute. */
export function zonedInstant(day: string, hour: number, minute: number, timeZone: string): number {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const wanted = Date.UTC(year, month - 1, date, hour, minute);
  let instant = wanted;
  // Two corrections settle the zone's offset also when it changes between the guess and the answer.
  for (let i = 0; i < 2; i += 1) instant += wanted - wallClockAsUtc(instant, timeZone);
  return instant;
}

/** YYYY-MM-DD of `ms` in `timeZone`. */
export function localDay(ms: number, timeZone: string): string {
  return new Date(wallClockAsUtc(ms, timeZone)).toISOString().slice(0, 10);
}

/**
 * The first instant strictly after `after` at which the wall clock in `timeZone` reads the given
 * ISO weekday (1 = Monday ... 7 = Sunday) at hour:minute, as a weekly cron in that zone fires.
 */
export function nextWeekly(
  after: number,
  timeZone: string,
  isoWeekday: number,
  hour: number,
  minute = 0,
): number {
  for (let k = 0; k <= 8; k += 1) {
    const day = localDay(after + k * DAY_MS, timeZone);
    const weekday = ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
    if (weekday !== isoWeekday) continue;
    const at = zonedInstant(day, hour, minute, timeZone);
    if (at > after) return at;
  }
  throw new Error(`no weekday ${isoWeekday} ${hour}:${minute} in ${timeZone} within 8 days of ${after}`);
}
