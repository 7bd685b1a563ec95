/** The test clock helper against instants worked out by hand (no dependence on today's date). */
import { describe, expect, test } from 'vitest';
import { isoWeek } from '../../src/jobs/digest/iso-week.ts';
import { localDay, nextWeekly, zonedInstant } from './clock.ts';

const BERLIN = 'Europe/Berlin';
const at = (iso: string) => Date.parse(iso);

describe('nextWeekly (Monday 08:00 in Berlin)', () => {
  test('in winter time (UTC+1) and in summer time (UTC+2)', () => {
    expect(nextWeekly(at('2026-12-01T10:15:00Z'), BERLIN, 1, 8)).toBe(at('2026-12-07T07:00:00Z'));
    expect(nextWeekly(at('2026-07-01T00:00:00Z'), BERLIN, 1, 8)).toBe(at('2026-07-06T06:00:00Z'));
  });

  test('on the Monday itself: before 08:00 it is today, at or after 08:00 next week', () => {
    expect(nextWeekly(at('2026-12-28T06:59:59Z'), BERLIN, 1, 8)).toBe(at('2026-12-28T07:00:00Z'));
    expect(nextWeekly(at('2026-12-28T07:00:00Z'), BERLIN, 1, 8)).toBe(at('2027-01-04T07:00:00Z'));
  });

  test('across the spring and autumn clock changes the next fire is 7 days minus / plus one hour later', () => {
    const march = nextWeekly(at('2027-03-20T00:00:00Z'), BERLIN, 1, 8);
    expect(march).toBe(at('2027-03-22T07:00:00Z'));
    expect(nextWeekly(march, BERLIN, 1, 8)).toBe(at('2027-03-29T06:00:00Z'));
    const october = nextWeekly(at('2027-10-23T00:00:00Z'), BERLIN, 1, 8);
    expect(october).toBe(at('2027-10-25T06:00:00Z'));
    expect(nextWeekly(october, BERLIN, 1, 8)).toBe(at('2027-11-01T07:00:00Z'));
  });

  test('a zone east of UTC where Monday 08:00 is still Sunday in UTC', () => {
    expect(nextWeekly(at('2026-12-01T00:00:00Z'), 'Pacific/Auckland', 1, 8)).toBe(at('2026-12-06T19:00:00Z'));
    expect(localDay(at('2026-12-06T19:00:00Z'), 'Pacific/Auckland')).toBe('2026-12-07');
  });

  test('zonedInstant on a day that does not start at midnight UTC', () => {
    expect(zonedInstant('2027-03-28', 8, 0, BERLIN)).toBe(at('2027-03-28T06:00:00Z'));
    expect(zonedInstant('2027-03-27', 8, 0, BERLIN)).toBe(at('2027-03-27T07:00:00Z'));
  });
});

describe('ISO week labels at a year boundary', () => {
  test('2026 has 53 ISO weeks; 2027-W01 starts on 4 January', () => {
    expect(isoWeek('2026-12-28')).toBe('2026-W53');
    expect(isoWeek('2027-01-03')).toBe('2026-W53');
    expect(isoWeek('2027-01-04')).toBe('2027-W01');
    expect(isoWeek('2025-12-29')).toBe('2026-W01');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
  });
});
