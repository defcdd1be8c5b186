/**
 * When the hub next opens, for "we are closed; we open again Monday at 9am". Walks forward from `from` in quarter
 * hours (opening hours are on the quarter hour in every profile) for up to eight days; null when the profile has no
 * regular hours.
 */
import { isOpenAt } from './loadProfile';
import type { HubContact } from './types';

const QUARTER_HOUR = 15 * 60_000;
const EIGHT_DAYS = 8 * 24 * 60 * 60_000;

const DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long' });
const TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', minute: '2-digit', hourCycle: 'h12' });

export function nextOpening(hub: Pick<HubContact, 'openingHours'>, from: Date): Date | null {
  const start = Math.ceil(from.getTime() / QUARTER_HOUR) * QUARTER_HOUR;
  for (let t = start; t <= from.getTime() + EIGHT_DAYS; t += QUARTER_HOUR) {
    if (isOpenAt(hub, new Date(t))) return new Date(t);
  }
  return null;
}

/** "today at 9am", "tomorrow at 9:30am", "Monday at 9am" (UK local time). */
export function describeOpening(at: Date, now: Date): string {
  const time = TIME.format(at).replace(/\s/g, '').replace(':00', '').toLowerCase();
  const day = DAY.format(at);
  const days = Math.round((startOfLondonDay(at) - startOfLondonDay(now)) / (24 * 60 * 60_000));
  const when = days === 0 ? 'today' : days === 1 ? 'tomorrow' : day;
  return `${when} at ${time}`;
}

const DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
function startOfLondonDay(d: Date): number {
  return Date.parse(`${DATE.format(d)}T00:00:00Z`);
}
