/**
 * "Is it open today, and if not, when next?" from a service's ORUK schedules, in UK local time (Europe/London,
 * GMT or BST as the date requires), whatever the machine's time zone.
 *
 * Bank holidays are not in ORUK schedules, so a bank holiday counts as an ordinary day: the listing says so in the
 * service's own words (its schedule description) where the council has written it.
 */
import type { ServiceSession } from '../council/types';

const DAY_MS = 24 * 60 * 60 * 1000;
export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const LONDON_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A calendar day in UK local time, and the local clock time on it. */
export interface LocalDay {
  /** "YYYY-MM-DD" */
  date: string;
  /** Date#getDay numbering. */
  weekday: number;
  /** Day of the month, 1..31. */
  dayOfMonth: number;
  daysInMonth: number;
  /** "HH:MM" */
  time: string;
}

export function londonDay(instant: Date): LocalDay {
  const parts = LONDON_DATE.formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  return { ...calendarDay(date), time: `${get('hour')}:${get('minute')}` };
}

function calendarDay(date: string): Omit<LocalDay, 'time'> {
  const [y = 1970, m = 1, d = 1] = date.split('-').map(Number);
  const utc = new Date(Date.UTC(y, m - 1, d));
  return { date, weekday: utc.getUTCDay(), dayOfMonth: d, daysInMonth: new Date(Date.UTC(y, m, 0)).getUTCDate() };
}

function addDays(date: string, days: number): string {
  const [y = 1970, m = 1, d = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Whether a session happens on a calendar day (its times aside). */
export function sessionOn(session: ServiceSession, day: Omit<LocalDay, 'time'>): boolean {
  if (session.validFrom !== null && day.date < session.validFrom) return false;
  if (session.validTo !== null && day.date > session.validTo) return false;
  if (!session.days.includes(day.weekday)) return false;
  if (session.ordinal !== null) {
    const fromStart = Math.floor((day.dayOfMonth - 1) / 7) + 1;
    const fromEnd = -(Math.floor((day.daysInMonth - day.dayOfMonth) / 7) + 1);
    return session.ordinal === fromStart || session.ordinal === fromEnd;
  }
  if (session.interval > 1 && session.dtstart !== null) {
    const weeks = Math.floor(daysBetween(session.dtstart, day.date) / 7);
    return weeks >= 0 && weeks % session.interval === 0;
  }
  return true;
}

export interface Opening {
  date: string;
  weekday: number;
  opens: string;
  closes: string;
}

/**
 * Today's sessions that have not closed yet (earliest first), then, when there are none, the next day's.
 * `today` is true when the first opening is today (open now or later today).
 */
export function nextOpenings(sessions: readonly ServiceSession[], now: Date, lookAheadDays = 62): { today: boolean; openings: Opening[] } | null {
  const local = londonDay(now);
  for (let offset = 0; offset <= lookAheadDays; offset += 1) {
    const day = offset === 0 ? local : calendarDay(addDays(local.date, offset));
    const openings = sessions
      .filter((s) => sessionOn(s, day) && (offset > 0 || s.closes > local.time))
      .map((s) => ({ date: day.date, weekday: day.weekday, opens: s.opens, closes: s.closes }))
      .sort((a, b) => a.opens.localeCompare(b.opens));
    if (openings.length > 0) return { today: offset === 0, openings };
  }
  return null;
}

/** Whether a service is open at this instant. */
export function isOpenNow(sessions: readonly ServiceSession[], now: Date): boolean {
  const local = londonDay(now);
  return sessions.some((s) => sessionOn(s, local) && s.opens <= local.time && local.time < s.closes);
}
