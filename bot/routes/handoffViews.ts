/**
 * The console's live chat pages (issue 9): residents waiting to talk to a person, and one chat with its transcript,
 * the journey's answers, and forms to accept, reply, end, and make or attach a referral. Plain forms first; hub.js adds
 * the resident's messages live (server-sent events) to the transcript, which is an ARIA live region.
 */
import type { HandoffSummary, ReferralPrefill } from '../../services/handoff/handoffService';
import type { Handoff, TranscriptLine } from '../../services/handoff/model';
import type { Actor } from '../../services/hub/roles';
import { errorSummary, html, when, type SafeHtml } from './hubViews';

const CHANNEL_LABELS: Record<string, string> = { sms: 'Text message', webchat: 'Web chat', directline: 'Web chat (Azure)', emulator: 'Emulator', msteams: 'Teams' };
const channelLabel = (c: string): string => CHANNEL_LABELS[c] ?? c;
const STATUS: Record<Handoff['status'], SafeHtml> = {
  waiting: html`<strong class="govuk-tag govuk-tag--blue">Waiting</strong>`,
  active: html`<strong class="govuk-tag govuk-tag--turquoise">In a chat</strong>`,
  ended: html`<strong class="govuk-tag govuk-tag--grey">Ended</strong>`,
};

export function handoffListPage(o: { items: HandoffSummary[]; actor: Actor; csrf: string; staffEmails: Map<string, string> }): SafeHtml {
  return html`<h1 class="govuk-heading-l">Live chats</h1>
<p class="govuk-body">Residents who asked to talk to a person, urgent first, then the longest waiting; and the chats you are in.</p>
<div id="handoff-live-note" class="hub-live-note govuk-body" hidden></div>
${
  o.items.length === 0
    ? html`<p class="govuk-body" id="handoff-list">Nobody is waiting.</p>`
    : html`<table class="govuk-table" id="handoff-list">
  <caption class="govuk-table__caption govuk-table__caption--m">Waiting and in progress</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header">Asked at</th>
    <th scope="col" class="govuk-table__header">Came in by</th>
    <th scope="col" class="govuk-table__header">Status</th>
    <th scope="col" class="govuk-table__header">With</th>
    <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Action</span></th>
  </tr></thead>
  <tbody class="govuk-table__body">
  ${o.items.map(
    (h) => html`<tr class="govuk-table__row${h.urgent ? ' hub-queue__row--urgent' : ''}">
    <td class="govuk-table__cell">${when(h.requestedAt)}</td>
    <td class="govuk-table__cell">${channelLabel(h.channel)}</td>
    <td class="govuk-table__cell">${STATUS[h.status]} ${h.urgent ? html`<strong class="govuk-tag govuk-tag--red">Urgent</strong>` : ''}</td>
    <td class="govuk-table__cell">${h.acceptedBy ? (h.acceptedBy === o.actor.id ? 'You' : (o.staffEmails.get(h.acceptedBy) ?? 'Another worker')) : 'Nobody yet'}</td>
    <td class="govuk-table__cell"><a class="govuk-link" href="/hub/handoffs/${h.id}">Open<span class="govuk-visually-hidden"> the chat from ${when(h.requestedAt)}</span></a></td>
  </tr>`,
  )}
  </tbody>
</table>`
}`;
}

function lineView(line: TranscriptLine, staffEmails: Map<string, string>, actor: Actor): SafeHtml {
  const who =
    line.from === 'resident' ? 'Resident' : line.from === 'bot' ? 'Bot' : line.from === 'system' ? 'Notice' : line.staffId === actor.id ? 'You' : (staffEmails.get(line.staffId ?? '') ?? 'Hub worker');
  return html`<li class="hub-note hub-chat__line hub-chat__line--${line.from}" data-seq="${line.seq}"><p class="govuk-body-s hub-note__meta">${who}, ${when(line.at)}</p><p class="govuk-body hub-note__text">${line.text}</p></li>`;
}

export function handoffPage(o: {
  handoff: Handoff;
  prefill: ReferralPrefill;
  actor: Actor;
  csrf: string;
  staffEmails: Map<string, string>;
  errors?: { text: string; href?: string }[];
}): SafeHtml {
  const h = o.handoff;
  const holder = h.acceptedBy === o.actor.id;
  const lead = o.actor.role === 'hub-lead';
  const csrf = html`<input type="hidden" name="csrf" value="${o.csrf}">`;
  const journey = Object.entries(h.journey);
  const streamUrl = h.status !== 'waiting' && (holder || lead) ? `/api/hub/handoffs/${h.id}/events` : '';
  return html`${errorSummary(o.errors ?? [])}
<span class="govuk-caption-l">${channelLabel(h.channel)}</span>
<h1 class="govuk-heading-l">Live chat</h1>
<p class="govuk-body">${STATUS[h.status]} ${h.urgent ? html`<strong class="govuk-tag govuk-tag--red">Urgent</strong>` : ''}</p>
<div id="handoff-alert" class="govuk-warning-text" ${h.urgent ? '' : 'hidden'}><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> Safeguarding: the resident may be at risk. The bot has sent them the crisis lines.</strong></div>
<div class="govuk-grid-row">
<div class="govuk-grid-column-two-thirds">
  ${
    h.status === 'waiting' && h.mode === 'external'
      ? html`<p class="govuk-body">This chat is waiting for the contact centre, which takes it from there.</p>`
      : h.status === 'waiting'
      ? html`<form method="post" action="/hub/handoffs/${h.id}/accept">${csrf}<button type="submit" class="govuk-button" data-module="govuk-button">Accept this chat</button></form>`
      : ''
  }
  <h2 class="govuk-heading-m">Conversation</h2>
  <ol class="govuk-list hub-chat" id="handoff-transcript" aria-live="polite" data-stream-url="${streamUrl}">
    ${h.transcript.map((line) => lineView(line, o.staffEmails, o.actor))}
  </ol>
  ${h.transcript.length === 0 ? html`<p class="govuk-body" id="handoff-empty">Nothing has been said since the resident asked for a person.</p>` : ''}
  ${
    h.status === 'active' && holder
      ? html`<form method="post" action="/hub/handoffs/${h.id}/messages" novalidate>${csrf}
    <div class="govuk-form-group">
      <label class="govuk-label govuk-label--s" for="handoff-message">Your message</label>
      <div class="govuk-hint" id="handoff-message-hint">The resident gets it ${h.channel === 'sms' ? 'as a text' : 'in their chat'}.</div>
      <textarea class="govuk-textarea" id="handoff-message" name="text" rows="3" aria-describedby="handoff-message-hint" maxlength="1600"></textarea>
    </div>
    <button type="submit" class="govuk-button" data-module="govuk-button">Send</button>
  </form>`
      : ''
  }
  ${
    h.status === 'active' && (holder || lead)
      ? html`<form method="post" action="/hub/handoffs/${h.id}/end">${csrf}<button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button">End chat</button></form>`
      : ''
  }
  ${h.status !== 'waiting' && (holder || lead) && !h.referralId ? referralForms(h, o.prefill, csrf) : ''}
  ${h.referralId ? html`<p class="govuk-body">This chat is linked to a <a class="govuk-link" href="/hub/referrals/${h.referralId}">referral</a>.</p>` : ''}
</div>
<div class="govuk-grid-column-one-third">
  <h2 class="govuk-heading-m">About this chat</h2>
  <dl class="govuk-summary-list">
    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Asked at</dt><dd class="govuk-summary-list__value">${when(h.requestedAt)}</dd></div>
    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Accepted</dt><dd class="govuk-summary-list__value">${h.acceptedAt ? when(h.acceptedAt) : 'Not yet'}</dd></div>
    ${h.endedAt ? html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Ended</dt><dd class="govuk-summary-list__value">${when(h.endedAt)}</dd></div>` : ''}
  </dl>
  <h2 class="govuk-heading-m">What the resident told the bot</h2>
  ${
    journey.length === 0
      ? html`<p class="govuk-body">No answers yet.</p>`
      : html`<dl class="govuk-summary-list">${journey.map(
          ([k, v]) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${k}</dt><dd class="govuk-summary-list__value">${Array.isArray(v) ? v.join(', ') : String(v)}</dd></div>`,
        )}</dl>`
  }
</div>
</div>`;
}

function referralForms(h: Handoff, prefill: ReferralPrefill, csrf: SafeHtml): SafeHtml {
  return html`<h2 class="govuk-heading-m">Make a referral from this chat</h2>
  <form method="post" action="/hub/handoffs/${h.id}/referral" novalidate>${csrf}
    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">What for</legend>
        <div class="govuk-radios govuk-radios--small" data-module="govuk-radios">
          <div class="govuk-radios__item"><input class="govuk-radios__input" id="ref-kind" name="kind" type="radio" value="befriending" checked><label class="govuk-label govuk-radios__label" for="ref-kind">Befriending</label></div>
          <div class="govuk-radios__item"><input class="govuk-radios__input" id="ref-kind-2" name="kind" type="radio" value="cost-of-living"><label class="govuk-label govuk-radios__label" for="ref-kind-2">Cost of living</label></div>
        </div>
      </fieldset>
    </div>
    <div class="govuk-form-group"><label class="govuk-label" for="ref-name">Name</label><input class="govuk-input govuk-!-width-two-thirds" id="ref-name" name="name" type="text" value="${prefill.name ?? ''}" autocomplete="off"></div>
    <div class="govuk-form-group"><label class="govuk-label" for="ref-phone">Phone number</label><input class="govuk-input govuk-input--width-20" id="ref-phone" name="phone" type="tel" value="${prefill.phone ?? ''}" autocomplete="off"></div>
    <div class="govuk-form-group"><label class="govuk-label" for="ref-notes">Notes</label><textarea class="govuk-textarea" id="ref-notes" name="notes" rows="4" maxlength="1000">${prefill.notes}</textarea></div>
    <div class="govuk-form-group"><div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes"><div class="govuk-checkboxes__item">
      <input class="govuk-checkboxes__input" id="ref-consent" name="consent" type="checkbox" value="true">
      <label class="govuk-label govuk-checkboxes__label" for="ref-consent">The resident agreed in this chat to the hub keeping their details</label>
    </div></div></div>
    <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Make referral</button>
  </form>
  <h2 class="govuk-heading-m">Or attach it to a referral</h2>
  <form method="post" action="/hub/handoffs/${h.id}/attach" novalidate>${csrf}
    <div class="govuk-form-group"><label class="govuk-label" for="attach-reference">Reference</label><div class="govuk-hint" id="attach-reference-hint">For example, HUB-7K3Q9X</div>
    <input class="govuk-input govuk-input--width-10" id="attach-reference" name="reference" type="text" aria-describedby="attach-reference-hint" autocomplete="off"></div>
    <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Attach</button>
  </form>`;
}
