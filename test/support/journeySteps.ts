/**
 * The three journeys as turns, each reaching the next step, with what that step asks. Shared by the table-driven
 * sweeps that interrupt each step (test/interruptions.test.ts) and send a crisis at each step
 * (test/safeguardingSweep.test.ts), so a change to a journey's questions is made here once.
 */
import type { Turn } from './transcript';

export const JOURNEY_STEPS: Record<'befriending' | 'cost-of-living' | 'asb', Turn[]> = {
  befriending: [
    ['I feel lonely', /for you, or for someone else/],
    ['For me', /What is your name/],
    ['Jo Bloggs', /contact you/],
    ['text', /mobile number/],
    ['07700 900111', /best time/],
    ['morning', /postcode/],
    ['S60 9ZZ', /What would you enjoy/],
    ['visit', /anything that would help/i],
    ['no', /Do you agree/],
    ['yes', /Shall I send this/],
  ],
  'cost-of-living': [
    ['I need help with the cost of living', /What do you need help with/],
    ['warm spaces', /call you back/],
    ['yes', /What is your name/],
    ['Jo Bloggs', /contact you/],
    ['email', /email address/],
    ['jo@example.org', /best time/],
    ['any time', /postcode/],
    ['S60 9ZZ', /anything else/i],
    ['no', /Do you agree/],
    ['yes', /Shall I send this/],
  ],
  asb: [
    ['I want to report anti-social behaviour', /What kind of problem/],
    ['Noise', /Where is it happening/],
    ['Park Road', /When is it happening/],
    ['earlier today', /anyone in danger/],
    ['no', /describe/],
    ['Loud music until 3am', /anonymously/],
    ['Report anonymously', /Do you agree/],
    ['yes', /Shall I send this/],
  ],
};
