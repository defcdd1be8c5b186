/**
 * Digest periods in Europe/London time: weeks and months, when they fall due, and the two clock changes.
 */
import assert from 'node:assert/strict';
import { dueAt, latestDuePeriod, monthContaining, periodFromDays, periodLabel, previousLabel, previousPeriod, weekContaining } from '../services/digests/period';

const hours = (p: { start: string; end: string }) => (Date.parse(p.end) - Date.parse(p.start)) / 3_600_000;

describe('digest periods (Europe/London)', () => {
  it('when a date is in November (GMT), then its week runs Monday 00:00Z to the next Monday 00:00Z', () => {
    assert.deepEqual(weekContaining(new Date('2026-11-18T15:00:00Z')), {
      kind: 'weekly',
      start: '2026-11-16T00:00:00.000Z',
      end: '2026-11-23T00:00:00.000Z',
      firstDay: '2026-11-16',
      lastDay: '2026-11-22',
    });
  });

  it('when a date is in summer (BST), then its week starts at 23:00Z on the Sunday before', () => {
    const week = weekContaining(new Date('2026-07-08T12:00:00Z'));
    assert.equal(week.start, '2026-07-05T23:00:00.000Z');
    assert.equal(week.end, '2026-07-12T23:00:00.000Z');
  });

  it('when the clocks go back in a week (25 October 2026), then that week is 169 hours long', () => {
    const week = weekContaining(new Date('2026-10-21T12:00:00Z'));
    assert.deepEqual([week.start, week.end, hours(week)], ['2026-10-18T23:00:00.000Z', '2026-10-26T00:00:00.000Z', 169]);
  });

  it('when the clocks go forward in a week (29 March 2026), then that week is 167 hours long', () => {
    const week = weekContaining(new Date('2026-03-25T12:00:00Z'));
    assert.deepEqual([week.start, week.end, hours(week)], ['2026-03-23T00:00:00.000Z', '2026-03-29T23:00:00.000Z', 167]);
  });

  it('when it is Monday after the clocks went back, then last week falls due at 08:00 GMT and not before', () => {
    assert.equal(latestDuePeriod('weekly', new Date('2026-10-26T07:59:59Z')).firstDay, '2026-10-12');
    const due = latestDuePeriod('weekly', new Date('2026-10-26T08:00:00Z'));
    assert.deepEqual([due.firstDay, due.lastDay], ['2026-10-19', '2026-10-25']);
    assert.equal(dueAt(due).toISOString(), '2026-10-26T08:00:00.000Z');
  });

  it('when it is Monday after the clocks went forward, then last week falls due at 08:00 BST, 07:00Z', () => {
    assert.equal(latestDuePeriod('weekly', new Date('2026-03-30T06:59:59Z')).firstDay, '2026-03-16');
    assert.equal(latestDuePeriod('weekly', new Date('2026-03-30T07:00:00Z')).firstDay, '2026-03-23');
  });

  it('when it is any time during the week, then the latest due period stays last week until next Monday 08:00', () => {
    for (const now of ['2026-11-23T08:00:00Z', '2026-11-26T12:00:00Z', '2026-11-30T07:59:59Z']) {
      assert.equal(latestDuePeriod('weekly', new Date(now)).firstDay, '2026-11-16', now);
    }
    assert.equal(latestDuePeriod('weekly', new Date('2026-11-30T08:00:00Z')).firstDay, '2026-11-23');
  });

  it('when monthly, then last month falls due at 08:00 London time on the 1st, across the clock change too', () => {
    assert.equal(latestDuePeriod('monthly', new Date('2026-11-01T07:59:59Z')).firstDay, '2026-09-01');
    const october = latestDuePeriod('monthly', new Date('2026-11-01T08:00:00Z'));
    assert.deepEqual([october.firstDay, october.lastDay, october.start, october.end], ['2026-10-01', '2026-10-31', '2026-09-30T23:00:00.000Z', '2026-11-01T00:00:00.000Z']);
    assert.deepEqual(previousPeriod(monthContaining(new Date('2027-01-15T00:00:00Z'))).firstDay, '2026-12-01');
  });

  it('when an admin gives first and last days, then the period covers both whole days and is named for people', () => {
    const week = periodFromDays('2026-11-16', '2026-11-22');
    assert.deepEqual(week, weekContaining(new Date('2026-11-20T00:00:00Z')));
    assert.equal(periodLabel(week), '16 to 22 November 2026');
    assert.equal(previousLabel(week), 'the week before');
    assert.equal(periodFromDays('2026-10-01', '2026-10-31').kind, 'monthly');
    assert.equal(periodLabel(periodFromDays('2026-10-01', '2026-10-31')), 'October 2026');
    const newYear = periodFromDays('2026-12-28', '2027-01-03');
    assert.equal(newYear.kind, 'weekly');
    assert.equal(periodLabel(newYear), '28 December 2026 to 3 January 2027');
    const tenDays = periodFromDays('2026-11-03', '2026-11-12');
    assert.deepEqual([tenDays.kind, previousLabel(tenDays), previousPeriod(tenDays).firstDay], ['custom', 'the 10 days before', '2026-10-24']);
  });

  it('when the dates are not real dates or run backwards, then the period is refused', () => {
    assert.throws(() => periodFromDays('2026-02-30', '2026-03-01'), RangeError);
    assert.throws(() => periodFromDays('16/11/2026', '2026-11-22'), RangeError);
    assert.throws(() => periodFromDays('2026-11-22', '2026-11-16'), RangeError);
  });
});
