/**
 * Complete weeks. Weeks run Monday to Sunday (ISO, as in the weekly features). The model sees whole
 * weeks only: outcomes, training rows and the scored snapshot are taken as of the end of the last
 * complete week, so a week that has just begun (a Monday run: one day of data) never looks like a
 * week of inactivity, and the Monday run flags the learners the Sunday run did.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** The Sunday that ends the last complete week on or before `day` (YYYY-MM-DD): `day` itself on a Sunday. */
export function lastCompleteWeekEnd(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) throw new Error(`${day} is not a YYYY-MM-DD date`);
  // getUTCDay: Sunday 0, Monday 1 ... Saturday 6: days since the last Sunday.
  return new Date(date.getTime() - date.getUTCDay() * DAY_MS).toISOString().slice(0, 10);
}
