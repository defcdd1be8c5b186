/** Every dialog and prompt id, in one place, so no id is ever repeated as a string literal. */
export const DialogIds = {
  main: 'mainDialog',
  befriending: 'befriendingDialog',
  costOfLiving: 'costOfLivingDialog',
  asb: 'asbDialog',
  contact: 'contactDialog',
  language: 'languageDialog',
  safeguardingFollowUp: 'safeguardingFollowUpDialog',
  callback: 'callbackDialog',
  personCallback: 'personCallbackDialog',
} as const;

export const WaterfallIds = {
  main: 'mainDialog.waterfall',
  befriending: 'befriendingDialog.waterfall',
  costOfLiving: 'costOfLivingDialog.waterfall',
  asb: 'asbDialog.waterfall',
  contact: 'contactDialog.waterfall',
  language: 'languageDialog.waterfall',
  safeguardingFollowUp: 'safeguardingFollowUpDialog.waterfall',
  callback: 'callbackDialog.waterfall',
  personCallback: 'personCallbackDialog.waterfall',
} as const;

export const PromptIds = {
  menu: 'prompt.menu',
  choice: 'prompt.choice',
  confirm: 'prompt.confirm',
  multiChoiceInterests: 'prompt.multiChoice.interests',
  multiChoiceNeeds: 'prompt.multiChoice.needs',
  name: 'prompt.name',
  phone: 'prompt.phone',
  mobile: 'prompt.mobile',
  email: 'prompt.email',
  postcode: 'prompt.postcode',
  optionalText500: 'prompt.optionalText500',
  optionalText1000: 'prompt.optionalText1000',
  location: 'prompt.location',
  description: 'prompt.description',
  languageChoice: 'prompt.language.choice',
  languageName: 'prompt.language.name',
  languagePhone: 'prompt.language.phone',
} as const;

/** turnState keys the bot sets before running dialogs. */
export const TurnKeys = {
  /** UrgencyReason[] for this conversation (safeguarding flags raised so far). */
  urgency: Symbol('communityHub.urgency'),
  /** The conversation id as stored on referrals (an HMAC of the number for SMS). */
  conversationId: Symbol('communityHub.conversationId'),
  /** Set by the interruption base when the resident says "start again", so the bot shows the menu. */
  cancelled: Symbol('communityHub.cancelled'),
  /** Set when a resident asked for a person out of hours: the bot then offers a call-back (personCallbackDialog). */
  offerCallback: Symbol('communityHub.offerCallback'),
} as const;
