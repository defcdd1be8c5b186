/**
 * The befriending journey as a web chat resident does it: some answers by clicking a suggested action, some typed.
 * Each step names what the resident does and the bot's next question, so protocol and browser tests share it.
 */
export interface WebChatStep {
  /** 'click' picks the suggested action with this label; 'type' types it into the send box. */
  how: 'click' | 'type';
  send: string;
  /** What the bot asks next. */
  expect: RegExp;
}

export const GREETING = /What would you like help with today\?/;

export const befriendingSteps: readonly WebChatStep[] = [
  { how: 'click', send: 'Someone to talk to', expect: /Is this for you, or for someone else\?/ },
  { how: 'click', send: 'For me', expect: /What is your name\?/ },
  { how: 'type', send: 'Margaret Hall', expect: /How would you like the hub to contact you\?/ },
  { how: 'click', send: 'Phone call', expect: /What is your phone number\?/ },
  { how: 'type', send: '07700 900123', expect: /When is the best time to get in touch\?/ },
  { how: 'click', send: 'Morning', expect: /What is your postcode\?/ },
  { how: 'type', send: 's60 9zz', expect: /What would you enjoy\?/ },
  { how: 'click', send: 'A regular phone call', expect: /access needs/ },
  { how: 'type', send: 'no', expect: /Do you agree to the hub keeping these details/ },
  { how: 'click', send: 'Yes', expect: /Shall I send this to the hub\?/ },
  { how: 'click', send: 'Yes, send it', expect: /Your reference is HUB-[0-9A-Z]{6}/ },
];

export const REFERENCE = /HUB-[0-9A-Z]{6}/;
