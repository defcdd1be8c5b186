/**
 * Digest periods and when they fall due, in the council's time (Europe/London), from an injected clock.
 *
 * A week is Monday 00:00 to the next Monday 00:00 London time, so a week that contains a clock change is 167 or 169
 * hours long; the weekly digest for it is due at 08:00 London time on the Monday after. A month is the calendar
 * month, due at 08:00 on the 1st of the next. Calendar arithmetic is done on local dates and only then turned into
 * instants, which is what keeps the clock changes out of the way.
 */
import type { DigestFrequency, DigestPeriod } from './model';

export const TIME_ZONE = 'Europe/London';
/** Local hour the scheduled digests go out. */
export const SEND_HOUR = 8;

export interface LocalDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
}

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});

/** London wall-clock time of an instant. */
export function londonParts(instant: Date): LocalDate & { hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(partsFormat.formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
    second: Number(parts['second']),
  };
}

/**
 * The instant when London's clocks show `date` at `hour:00`. London's offset from UTC is 0 or +1 hour; guess with
 * UTC, see what London shows then, and correct by the difference (twice, in case the first guess crossed a change).
 * Digests only ask for midnight and 08:00, which are never skipped or repeated (the UK changes at 01:00 UTC).
 */
export function londonTime(date: LocalDate, hour = 0): Date {
  const wanted = Date.UTC(date.year, date.month - 1, date.day, hour);
  let guess = wanted;
  for (let i = 0; i < 2; i += 1) {
    const shown = londonParts(new Date(guess));
    const shownAsUtc = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute, shown.second);
    guess += wanted - shownAsUtc;
  }
  return new Date(guess);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function formatDay(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

export function parseDay(text: string): LocalDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = addDays(date, 0);
  return check.year === date.year && check.month === date.month && check.day === date.day ? date : null;
}

/** Days from a to b (b later gives a positive number), counting calendar days. */
function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

function period(kind: DigestPeriod['kind'], first: LocalDate, afterLast: LocalDate): DigestPeriod {
  return {
    kind,
    start: londonTime(first).toISOString(),
    end: londonTime(afterLast).toISOString(),
    firstDay: formatDay(first),
    lastDay: formatDay(addDays(afterLast, -1)),
  };
}

/** First to last day inclusive, as an admin types it (`--from 2026-11-16 --to 2026-11-22`). */
export function periodFromDays(firstDay: string, lastDay: string): DigestPeriod {
  const first = parseDay(firstDay);
  const last = parseDay(lastDay);
  if (!first) throw new RangeError(`"${firstDay}" is not a date like 2026-11-16`);
  if (!last) throw new RangeError(`"${lastDay}" is not a date like 2026-11-22`);
  if (daysBetween(first, last) < 0) throw new RangeError('the period ends before it starts');
  const afterLast = addDays(last, 1);
  const isWeek = daysBetween(first, afterLast) === 7 && weekdayOf(first) === 1;
  const isMonth = first.day === 1 && afterLast.day === 1 && daysBetween(first, afterLast) >= 28 && daysBetween(first, afterLast) <= 31;
  return period(isWeek ? 'weekly' : isMonth ? 'monthly' : 'custom', first, afterLast);
}

/** 0 = Sunday … 6 = Saturday, of a calendar date. */
function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

function mondayOnOrBefore(date: LocalDate): LocalDate {
  return addDays(date, -((weekdayOf(date) + 6) % 7));
}

/** The week (Monday to Sunday, London time) containing the instant. */
export function weekContaining(instant: Date): DigestPeriod {
  const monday = mondayOnOrBefore(londonParts(instant));
  return period('weekly', monday, addDays(monday, 7));
}

export function monthContaining(instant: Date): DigestPeriod {
  const local = londonParts(instant);
  const first = { year: local.year, month: local.month, day: 1 };
  return period('monthly', first, nextMonth(first));
}

function nextMonth(first: LocalDate): LocalDate {
  return first.month === 12 ? { year: first.year + 1, month: 1, day: 1 } : { year: first.year, month: first.month + 1, day: 1 };
}

function previousMonth(first: LocalDate): LocalDate {
  return first.month === 1 ? { year: first.year - 1, month: 12, day: 1 } : { year: first.year, month: first.month - 1, day: 1 };
}

/** The period before: the week before, the month before, or as many days before for a custom period. */
export function previousPeriod(p: DigestPeriod): DigestPeriod {
  const first = parseDay(p.firstDay) as LocalDate;
  if (p.kind === 'monthly') return period('monthly', previousMonth(first), first);
  const last = parseDay(p.lastDay) as LocalDate;
  const length = daysBetween(first, last) + 1;
  return period(p.kind, addDays(first, -length), first);
}

/** When a scheduled period's digest is due: 08:00 London time on the day after it ends. */
export function dueAt(p: DigestPeriod): Date {
  const last = parseDay(p.lastDay) as LocalDate;
  return londonTime(addDays(last, 1), SEND_HOUR);
}

/**
 * The latest period of this frequency whose digest is due at `now`: last week from Monday 08:00 on, the week before
 * until then. Only the latest: a server that was down for a fortnight sends last week's digest, not both (the
 * previous one would be stale, and its figures are in the new one's comparison).
 */
export function latestDuePeriod(frequency: DigestFrequency, now: Date): DigestPeriod {
  const current = frequency === 'weekly' ? weekContaining(now) : monthContaining(now);
  const justEnded = previousPeriod(current);
  return dueAt(justEnded).getTime() <= now.getTime() ? justEnded : previousPeriod(justEnded);
}

const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayMonthFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "16 to 22 November 2026", "28 December 2026 to 3 January 2027", "November 2026". */
export function periodLabel(p: DigestPeriod): string {
  const first = parseDay(p.firstDay) as LocalDate;
  const last = parseDay(p.lastDay) as LocalDate;
  const asDate = (d: LocalDate) => new Date(Date.UTC(d.year, d.month - 1, d.day));
  if (p.kind === 'monthly') return monthFormat.format(asDate(first));
  if (p.firstDay === p.lastDay) return dayFormat.format(asDate(first));
  if (first.year === last.year && first.month === last.month) return `${first.day} to ${dayFormat.format(asDate(last))}`;
  if (first.year === last.year) return `${dayMonthFormat.format(asDate(first))} to ${dayFormat.format(asDate(last))}`;
  return `${dayFormat.format(asDate(first))} to ${dayFormat.format(asDate(last))}`;
}

/** What to call the period before, in a sentence: "the week before", "October 2026", "the 10 days before". */
export function previousLabel(p: DigestPeriod): string {
  if (p.kind === 'weekly') return 'the week before';
  if (p.kind === 'monthly') return periodLabel(previousPeriod(p));
  const days = daysBetween(parseDay(p.firstDay) as LocalDate, parseDay(p.lastDay) as LocalDate) + 1;
  return days === 1 ? 'the day before' : `the ${days} days before`;
}
