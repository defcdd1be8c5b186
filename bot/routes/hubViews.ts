/**
 * The staff console's pages, server-rendered with GOV.UK Frontend markup (the Design System's components, written
 * out as HTML rather than through Nunjucks, which this project does not otherwise need).
 *
 * Everything interpolated goes through {@link html}, which escapes it, unless it is itself a {@link SafeHtml}
 * built by this module. A council is not GOV.UK, so the pages use the generic header and service navigation, not
 * the GOV.UK header with the crown.
 */
import { OUTCOMES, outcomeLabel } from '../../services/hub/outcomes';
import type { QueuePage } from '../../services/hub/queueService';
import { ROLE_LABELS, can, type Actor } from '../../services/hub/roles';
import type { ErasureResult } from '../../services/hub/subjectAccess';
import { countText, type CouncillorWardCounts } from '../../services/hub/wardFigures';
import {
  STATUS_TRANSITIONS,
  type Referral,
  type ReferralKind,
  type ReferralStatus,
} from '../../services/referrals/model';
import type { QueueCounts, WorkloadRow } from '../../services/store/types';
import type { Area, Ward } from '../../services/council/types';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolated = SafeHtml | string | number | boolean | null | undefined | Interpolated[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function render(value: Interpolated): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolated[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

export const KIND_LABELS: Readonly<Record<ReferralKind, string>> = {
  befriending: 'Befriending',
  'cost-of-living': 'Cost of living',
  asb: 'Anti-social behaviour',
};

export const STATUS_LABELS: Readonly<Record<ReferralStatus, string>> = {
  new: 'New',
  claimed: 'Claimed',
  'in-progress': 'In progress',
  'referred-on': 'Referred on',
  closed: 'Closed',
  withdrawn: 'Withdrawn',
};

const STATUS_TAGS: Readonly<Record<ReferralStatus, string>> = {
  new: 'govuk-tag--blue',
  claimed: 'govuk-tag--purple',
  'in-progress': 'govuk-tag--turquoise',
  'referred-on': 'govuk-tag--green',
  closed: 'govuk-tag--grey',
  withdrawn: 'govuk-tag--grey',
};

const LONDON = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

export function when(iso: string | null): string {
  return iso ? LONDON.format(new Date(iso)) : '';
}

function statusTag(status: ReferralStatus): SafeHtml {
  return html`<strong class="govuk-tag ${STATUS_TAGS[status]}">${STATUS_LABELS[status]}</strong>`;
}

function flags(item: { urgent: boolean; overdue: boolean }): SafeHtml {
  return html`${item.urgent ? html`<strong class="govuk-tag govuk-tag--red">Urgent</strong> ` : ''}${
    item.overdue ? html`<strong class="govuk-tag govuk-tag--orange">Overdue</strong>` : ''
  }`;
}

export interface LayoutOptions {
  title: string;
  nonce: string;
  actor: Actor | null;
  csrf?: string;
  current?: 'queue' | 'handoffs' | 'team' | 'wards' | 'admin';
  councilName: string;
  /** Shown above the main heading (errors, success). */
  banner?: SafeHtml;
}

export function layout(options: LayoutOptions, main: SafeHtml): string {
  const { actor } = options;
  const nav: { key: NonNullable<LayoutOptions['current']>; href: string; text: string; show: boolean }[] = [
    { key: 'queue', href: '/hub/queue', text: 'Queue', show: !!actor && can(actor.role, 'queue.read') },
    { key: 'handoffs', href: '/hub/handoffs', text: 'Live chats', show: !!actor && can(actor.role, 'handoff.work') },
    { key: 'team', href: '/hub/team', text: 'Team workload', show: !!actor && can(actor.role, 'team.workload') },
    { key: 'wards', href: '/hub/wards', text: 'Ward figures', show: !!actor && actor.role === 'councillor' },
    { key: 'admin', href: '/hub/admin', text: 'Administration', show: !!actor && can(actor.role, 'sar.manage') },
  ];
  const items = nav.filter((n) => n.show);
  return `<!DOCTYPE html>${html`
<html lang="en" class="govuk-template">
<head>
  <meta charset="utf-8">
  <title>${options.title} – ${options.councilName} community hub</title>
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="robots" content="noindex, nofollow">
  <link rel="stylesheet" href="/hub/static/govuk-frontend.min.css">
  <link rel="stylesheet" href="/hub/static/hub.css">
</head>
<body class="govuk-template__body">
  <script nonce="${options.nonce}">document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');</script>
  <a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main content</a>
  <header class="govuk-generic-header">
    <div class="govuk-generic-header__container govuk-width-container">
      <div class="govuk-generic-header__logo">
        <a href="/hub" class="govuk-generic-header__homepage-link">${options.councilName} community hub</a>
      </div>
    </div>
  </header>
  <section aria-label="Service information" class="govuk-service-navigation" data-module="govuk-service-navigation">
    <div class="govuk-width-container">
      <div class="govuk-service-navigation__container">
        <span class="govuk-service-navigation__service-name">
          <a href="/hub" class="govuk-service-navigation__link">Staff console</a>
        </span>
        ${
          actor
            ? html`<nav aria-label="Menu" class="govuk-service-navigation__wrapper">
          <button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden aria-hidden="true">Menu</button>
          <ul class="govuk-service-navigation__list" id="navigation">
            ${items.map((n) =>
              n.key === options.current
                ? html`<li class="govuk-service-navigation__item govuk-service-navigation__item--active"><a class="govuk-service-navigation__link" href="${n.href}" aria-current="page"><strong class="govuk-service-navigation__active-fallback">${n.text}</strong></a></li>`
                : html`<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="${n.href}">${n.text}</a></li>`,
            )}
          </ul>
        </nav>
        <form method="post" action="/hub/logout" class="hub-signout">
          <input type="hidden" name="csrf" value="${options.csrf ?? ''}">
          <span class="govuk-body-s hub-signed-in-as">${actor.email} (${ROLE_LABELS[actor.role]})</span>
          <button type="submit" class="govuk-button govuk-button--secondary hub-signout__button" data-module="govuk-button">Sign out</button>
        </form>`
            : ''
        }
      </div>
    </div>
  </section>
  <div class="govuk-width-container">
    <main class="govuk-main-wrapper" id="main-content">
      ${options.banner ?? ''}
      ${main}
    </main>
  </div>
  <footer class="govuk-footer">
    <div class="govuk-width-container">
      <div class="govuk-footer__meta">
        <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
          <p class="govuk-body-s">Everything you view or change here is recorded with your name, the time and your address.</p>
        </div>
      </div>
    </div>
  </footer>
  <script type="module" src="/hub/static/hub.js"></script>
</body>
</html>`.value}`;
}

export function errorSummary(messages: { text: string; href?: string }[]): SafeHtml {
  if (messages.length === 0) return html``;
  return html`<div class="govuk-error-summary" data-module="govuk-error-summary">
  <div role="alert">
    <h2 class="govuk-error-summary__title">There is a problem</h2>
    <div class="govuk-error-summary__body">
      <ul class="govuk-list govuk-error-summary__list">
        ${messages.map((m) => html`<li>${m.href ? html`<a href="${m.href}">${m.text}</a>` : m.text}</li>`)}
      </ul>
    </div>
  </div>
</div>`;
}

export function successBanner(text: string): SafeHtml {
  return html`<div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="govuk-notification-banner-title" data-module="govuk-notification-banner">
  <div class="govuk-notification-banner__header">
    <h2 class="govuk-notification-banner__title" id="govuk-notification-banner-title">Success</h2>
  </div>
  <div class="govuk-notification-banner__content">
    <p class="govuk-notification-banner__heading">${text}</p>
  </div>
</div>`;
}

// ---- sign in ----

export function loginPage(options: { csrf: string; error?: string; email?: string; oidc: boolean }): SafeHtml {
  return html`<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
  ${options.error ? errorSummary([{ text: options.error, href: '#email' }]) : ''}
  <h1 class="govuk-heading-l">Sign in to the staff console</h1>
  ${options.oidc ? html`<p class="govuk-body"><a class="govuk-button" role="button" draggable="false" data-module="govuk-button" href="/hub/login/oidc">Sign in with your council account</a></p><p class="govuk-body">Or sign in with a hub password:</p>` : ''}
  <form method="post" action="/hub/login" novalidate>
    <input type="hidden" name="csrf" value="${options.csrf}">
    <div class="govuk-form-group${options.error ? ' govuk-form-group--error' : ''}">
      <label class="govuk-label" for="email">Email address</label>
      ${options.error ? html`<p id="email-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${options.error}</p>` : ''}
      <input class="govuk-input${options.error ? ' govuk-input--error' : ''}" id="email" name="email" type="email" spellcheck="false" autocomplete="username" value="${options.email ?? ''}"${options.error ? html` aria-describedby="email-error"` : ''}>
    </div>
    <div class="govuk-form-group">
      <label class="govuk-label" for="password">Password</label>
      <input class="govuk-input govuk-!-width-two-thirds" id="password" name="password" type="password" autocomplete="current-password">
    </div>
    <button type="submit" class="govuk-button" data-module="govuk-button">Sign in</button>
  </form>
</div></div>`;
}

// ---- the queue ----

export interface QueueFilters {
  kind?: ReferralKind;
  status?: ReferralStatus;
  ward?: string;
  area?: string;
  overdue?: boolean;
  assigned?: 'me' | 'nobody';
}

function option(value: string, text: string, selected: boolean): SafeHtml {
  return html`<option value="${value}"${selected ? html` selected` : ''}>${text}</option>`;
}

function countsPanel(counts: QueueCounts): SafeHtml {
  const figures: [string, number, string][] = [
    ['New', counts.byStatus.new, 'new'],
    ['Claimed', counts.byStatus.claimed, 'claimed'],
    ['In progress', counts.byStatus['in-progress'], 'in-progress'],
    ['Urgent', counts.urgent, 'urgent'],
    ['Overdue', counts.overdue, 'overdue'],
  ];
  return html`<ul class="hub-counts govuk-body" aria-label="Open referrals">
  ${figures.map(([label, n, key]) => html`<li class="hub-counts__item hub-counts__item--${key}"><span class="hub-counts__number" data-count="${key}">${n}</span> <span class="hub-counts__label">${label}</span></li>`)}
</ul>`;
}

export function queueResults(page: QueuePage, staffEmails: Map<string, string>, csrf: string, query: string): SafeHtml {
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const link = (n: number): string => {
    const params = new URLSearchParams(query);
    params.set('page', String(n));
    return `/hub/queue?${params.toString()}`;
  };
  return html`${countsPanel(page.counts)}
<table class="govuk-table hub-queue">
  <caption class="govuk-table__caption govuk-table__caption--m">${page.total === 1 ? '1 referral' : `${page.total} referrals`}</caption>
  <thead class="govuk-table__head">
    <tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">Reference</th>
      <th scope="col" class="govuk-table__header">Kind</th>
      <th scope="col" class="govuk-table__header">Ward</th>
      <th scope="col" class="govuk-table__header">Received</th>
      <th scope="col" class="govuk-table__header">Due by</th>
      <th scope="col" class="govuk-table__header">Status</th>
      <th scope="col" class="govuk-table__header">Assigned to</th>
      <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Actions</span></th>
    </tr>
  </thead>
  <tbody class="govuk-table__body">
    ${page.items.map(
      (item) => html`<tr class="govuk-table__row${item.urgent ? ' hub-queue__row--urgent' : ''}">
      <th scope="row" class="govuk-table__header"><a class="govuk-link" href="/hub/referrals/${item.id}">${item.reference}</a> ${flags(item)}</th>
      <td class="govuk-table__cell">${KIND_LABELS[item.kind]}</td>
      <td class="govuk-table__cell">${item.wardName ?? 'Not known'}</td>
      <td class="govuk-table__cell">${when(item.createdAt)}</td>
      <td class="govuk-table__cell">${when(item.slaDueAt)}</td>
      <td class="govuk-table__cell">${statusTag(item.status)}</td>
      <td class="govuk-table__cell">${item.assignee ? (staffEmails.get(item.assignee) ?? 'Someone') : 'Nobody'}</td>
      <td class="govuk-table__cell">${
        item.status === 'new'
          ? html`<form method="post" action="/hub/referrals/${item.id}/claim"><input type="hidden" name="csrf" value="${csrf}"><button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">Claim<span class="govuk-visually-hidden"> ${item.reference}</span></button></form>`
          : ''
      }</td>
    </tr>`,
    )}
  </tbody>
</table>
${page.items.length === 0 ? html`<p class="govuk-body">Nothing matches these filters.</p>` : ''}
${
  pages > 1
    ? html`<nav class="govuk-pagination" aria-label="Pages of the queue">
  ${page.page > 1 ? html`<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" href="${link(page.page - 1)}" rel="prev"><span class="govuk-pagination__link-title">Previous<span class="govuk-visually-hidden"> page</span></span></a></div>` : ''}
  <p class="govuk-body govuk-!-margin-bottom-0">Page ${page.page} of ${pages}</p>
  ${page.page < pages ? html`<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" href="${link(page.page + 1)}" rel="next"><span class="govuk-pagination__link-title">Next<span class="govuk-visually-hidden"> page</span></span></a></div>` : ''}
</nav>`
    : ''
}`;
}

export function queuePage(options: {
  csrf: string;
  page: QueuePage;
  filters: QueueFilters;
  wards: Ward[];
  /** The council profile's areas; no area filter is shown when there are none. */
  areas?: { label: string; list: readonly Area[] };
  staffEmails: Map<string, string>;
  query: string;
  error?: string;
}): SafeHtml {
  const f = options.filters;
  return html`${options.error ? errorSummary([{ text: options.error }]) : ''}
<div class="govuk-grid-row">
  <div class="govuk-grid-column-two-thirds"><h1 class="govuk-heading-l">Referral queue</h1></div>
  <div class="govuk-grid-column-one-third hub-next">
    <form method="post" action="/hub/queue/next">
      <input type="hidden" name="csrf" value="${options.csrf}">
      ${f.kind ? html`<input type="hidden" name="kind" value="${f.kind}">` : ''}
      ${f.ward ? html`<input type="hidden" name="ward" value="${f.ward}">` : ''}
      <button type="submit" class="govuk-button" data-module="govuk-button">Pick up next referral</button>
    </form>
  </div>
</div>
<div id="hub-live" class="govuk-visually-hidden" aria-live="polite" aria-atomic="true"></div>
<p class="govuk-body hub-live-note" id="hub-live-note" hidden></p>
<form method="get" action="/hub/queue" class="hub-filters">
  <fieldset class="govuk-fieldset">
    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Filter the queue</legend>
    <div class="hub-filters__row">
      <div class="govuk-form-group">
        <label class="govuk-label" for="filter-kind">Kind</label>
        <select class="govuk-select" id="filter-kind" name="kind">
          ${option('', 'Any kind', !f.kind)}
          ${(Object.keys(KIND_LABELS) as ReferralKind[]).map((k) => option(k, KIND_LABELS[k], f.kind === k))}
        </select>
      </div>
      <div class="govuk-form-group">
        <label class="govuk-label" for="filter-status">Status</label>
        <select class="govuk-select" id="filter-status" name="status">
          ${option('', 'Any open status', !f.status)}
          ${(Object.keys(STATUS_LABELS) as ReferralStatus[]).map((s) => option(s, STATUS_LABELS[s], f.status === s))}
        </select>
      </div>
      <div class="govuk-form-group">
        <label class="govuk-label" for="filter-ward">Ward</label>
        <select class="govuk-select" id="filter-ward" name="ward">
          ${option('', 'Any ward', !f.ward)}
          ${options.wards.map((w) => option(w.code, w.name, f.ward === w.code))}
        </select>
      </div>
      ${options.areas && options.areas.list.length > 0
        ? html`<div class="govuk-form-group">
        <label class="govuk-label" for="filter-area">${options.areas.label}</label>
        <select class="govuk-select" id="filter-area" name="area">
          ${option('', `Any ${options.areas.label.toLowerCase()}`, !f.area)}
          ${options.areas.list.map((a) => option(a.id, a.name, f.area === a.id))}
        </select>
      </div>`
        : ''}
      <div class="govuk-form-group">
        <label class="govuk-label" for="filter-assigned">Assigned to</label>
        <select class="govuk-select" id="filter-assigned" name="assigned">
          ${option('', 'Anyone or nobody', !f.assigned)}
          ${option('me', 'Me', f.assigned === 'me')}
          ${option('nobody', 'Nobody', f.assigned === 'nobody')}
        </select>
      </div>
    </div>
    <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
      <div class="govuk-checkboxes__item">
        <input class="govuk-checkboxes__input" id="filter-overdue" name="overdue" type="checkbox" value="true"${f.overdue ? html` checked` : ''}>
        <label class="govuk-label govuk-checkboxes__label" for="filter-overdue">Only overdue</label>
      </div>
    </div>
  </fieldset>
  <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Apply filters</button>
  <a class="govuk-link govuk-body hub-filters__clear" href="/hub/queue">Clear filters</a>
</form>
<div id="queue-results" data-fragment-url="/hub/queue/results?${options.query}">
  ${queueResults(options.page, options.staffEmails, options.csrf, options.query)}
</div>`;
}

// ---- one referral ----

function humanise(key: string): string {
  const spaced = key.replace(/([A-Z])/g, ' $1').replace(/-/g, ' ').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function answerValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'Not given';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.length === 0 ? 'None' : value.map((v) => humanise(String(v))).join(', ');
  // Codes such as `someone-else` read as words; free text the resident typed is shown as they typed it.
  if (typeof value === 'string' && /^[a-z]+(-[a-z]+)*$/.test(value)) return humanise(value);
  // Open311 coordinates: `{lat, long}`.
  if (typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k} ${String(v)}`).join(', ');
  return String(value);
}

function summaryList(rows: [string, Interpolated][]): SafeHtml {
  return html`<dl class="govuk-summary-list">
  ${rows.map(([key, value]) => html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt><dd class="govuk-summary-list__value">${value}</dd></div>`)}
</dl>`;
}

export interface ReferralPageOptions {
  actor: Actor;
  csrf: string;
  referral: Referral;
  overdue: boolean;
  mayText: boolean;
  staffEmails: Map<string, string>;
  assignable: { id: string; email: string }[];
  /** The council's wards, to set or correct the referral's ward from. */
  wards: readonly Ward[];
  errors?: { text: string; href?: string }[];
}

const WARD_SOURCE: Record<Referral['ward']['source'], string> = {
  'postcode-table': 'from the postcode',
  'postcodes.io': 'from the postcode (postcodes.io)',
  onspd: 'from the postcode',
  staff: 'set by staff',
  unknown: 'not known',
};

export function referralPage(o: ReferralPageOptions): SafeHtml {
  const r = o.referral;
  const mine = r.assignee === o.actor.id;
  const lead = o.actor.role === 'hub-lead';
  const mayWork = mine || lead;
  const nextStatuses = STATUS_TRANSITIONS[r.status].filter((s) => s !== 'claimed' && (s !== 'new' || lead));
  const { kind: _kind, ...answers } = r.answers;
  const contact = r.contact;
  const who = (id: string): string => (id === 'resident' ? 'Resident' : id === 'system' ? 'System' : (o.staffEmails.get(id) ?? 'Former staff member'));
  const wardName = (code: string | null): string => (code === null ? 'not known' : (o.wards.find((w) => w.code === code)?.name ?? code));
  return html`${errorSummary(o.errors ?? [])}
<span class="govuk-caption-l">${KIND_LABELS[r.kind]}</span>
<h1 class="govuk-heading-l">Referral ${r.reference}</h1>
<p class="govuk-body">${statusTag(r.status)} ${flags({ urgent: r.urgent, overdue: o.overdue })}</p>
<div class="govuk-grid-row">
<div class="govuk-grid-column-two-thirds">
  <h2 class="govuk-heading-m">Referral</h2>
  ${summaryList([
    ['Status', STATUS_LABELS[r.status]],
    ['Assigned to', r.assignee ? who(r.assignee) : 'Nobody'],
    ['Ward', r.ward.name ? `${r.ward.name} (${WARD_SOURCE[r.ward.source]})` : 'Not known'],
    ['Received', when(r.createdAt)],
    ['Contact due by', html`${when(r.slaDueAt)}${o.overdue ? html` <strong class="govuk-tag govuk-tag--orange">Overdue</strong>` : ''}`],
    ['Urgent because', r.urgencyReasons.length ? r.urgencyReasons.map(humanise).join(', ') : 'Not urgent'],
    ['Came in by', humanise(r.channel)],
    ['Outcome', outcomeLabel(r.outcome) ?? 'None yet'],
  ])}

  <h2 class="govuk-heading-m">What the resident told us</h2>
  ${summaryList(Object.entries(answers).map(([k, v]) => [humanise(k), answerValue(v)] as [string, Interpolated]))}
  ${r.partial ? html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> This is a partial report: the resident left the conversation because someone was in danger.</strong></div>` : ''}

  <h2 class="govuk-heading-m">Contact and consent</h2>
  ${
    contact.anonymous
      ? html`<p class="govuk-body">The resident chose to stay anonymous.</p>`
      : summaryList([
          ['Name', contact.name],
          ['Contact by', { phone: 'Phone call', sms: 'Text message', email: 'Email' }[contact.method]],
          ['Phone', contact.phone ?? 'Not given'],
          ['Email', contact.email ?? 'Not given'],
          ['Best time', humanise(contact.bestTime)],
          ['Preferred language', r.preferredLanguage ?? 'Not given'],
        ])
  }
  ${summaryList([
    ['Consent given', when(r.consent.at)],
    ['Privacy wording agreed', r.consent.wordingVersion],
    ['Texts allowed', o.mayText ? 'Yes' : 'No'],
    ...(r.sharing ? [[`Details may go to ${r.sharing.body} (Open311)`, r.sharing.agreed ? 'Yes' : 'No'] as [string, Interpolated]] : []),
  ])}

  <h2 class="govuk-heading-m">Notes</h2>
  ${
    r.notes.length === 0
      ? html`<p class="govuk-body">No notes yet.</p>`
      : html`<ul class="govuk-list hub-notes">${r.notes.map((n) => html`<li class="hub-note"><p class="govuk-body-s hub-note__meta">${who(n.actor)}, ${when(n.at)}</p><p class="govuk-body hub-note__text">${n.text}</p></li>`)}</ul>`
  }

  <h2 class="govuk-heading-m">History</h2>
  <table class="govuk-table">
    <caption class="govuk-table__caption govuk-visually-hidden">Status and ward changes</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">When</th><th scope="col" class="govuk-table__header">Who</th><th scope="col" class="govuk-table__header">Change</th><th scope="col" class="govuk-table__header">Why</th></tr></thead>
    <tbody class="govuk-table__body">
      ${r.history.map((h) => html`<tr class="govuk-table__row"><td class="govuk-table__cell">${when(h.at)}</td><td class="govuk-table__cell">${who(h.actor)}</td><td class="govuk-table__cell">${h.ward ? `Ward ${wardName(h.ward.from)} to ${wardName(h.ward.to)}` : `${h.from ? `${STATUS_LABELS[h.from]} to ` : ''}${STATUS_LABELS[h.to]}`}</td><td class="govuk-table__cell">${h.why}</td></tr>`)}
    </tbody>
  </table>
</div>
<div class="govuk-grid-column-one-third">
  ${
    r.status === 'new'
      ? html`<form method="post" action="/hub/referrals/${r.id}/claim"><input type="hidden" name="csrf" value="${o.csrf}"><button type="submit" class="govuk-button" data-module="govuk-button">Claim this referral</button></form>`
      : ''
  }
  ${
    mayWork && nextStatuses.length > 0
      ? html`<form method="post" action="/hub/referrals/${r.id}/status" novalidate>
    <input type="hidden" name="csrf" value="${o.csrf}">
    <input type="hidden" name="version" value="${r.version}">
    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m"><h2 class="govuk-fieldset__heading">Change status</h2></legend>
        <div class="govuk-radios govuk-radios--small" data-module="govuk-radios">
          ${nextStatuses.map((s, i) => html`<div class="govuk-radios__item"><input class="govuk-radios__input" id="${i === 0 ? 'status-to' : `status-to-${s}`}" name="to" type="radio" value="${s}"><label class="govuk-label govuk-radios__label" for="${i === 0 ? 'status-to' : `status-to-${s}`}">${s === 'new' ? 'Back to the queue' : STATUS_LABELS[s]}</label></div>`)}
        </div>
      </fieldset>
    </div>
    <div class="govuk-form-group">
      <label class="govuk-label" for="outcome">Outcome (needed to close or refer on)</label>
      <select class="govuk-select" id="outcome" name="outcome">
        ${option('', 'Choose an outcome', true)}
        ${Object.entries(OUTCOMES).map(([code, label]) => option(code, label, false))}
      </select>
    </div>
    <div class="govuk-form-group">
      <label class="govuk-label" for="why">Reason (optional)</label>
      <input class="govuk-input" id="why" name="why" type="text" maxlength="500">
    </div>
    <button type="submit" class="govuk-button" data-module="govuk-button">Update status</button>
  </form>`
      : ''
  }
  ${
    mayWork && r.status !== 'new'
      ? html`<form method="post" action="/hub/referrals/${r.id}/notes" novalidate>
    <input type="hidden" name="csrf" value="${o.csrf}">
    <div class="govuk-form-group">
      <h2 class="govuk-label-wrapper"><label class="govuk-label govuk-label--m" for="note-text">Add a note</label></h2>
      <textarea class="govuk-textarea" id="note-text" name="text" rows="4" maxlength="5000"></textarea>
    </div>
    <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Add note</button>
  </form>`
      : ''
  }
  ${
    mayWork && r.status !== 'new'
      ? o.mayText
        ? html`<form method="post" action="/hub/referrals/${r.id}/text" novalidate>
    <input type="hidden" name="csrf" value="${o.csrf}">
    <div class="govuk-form-group">
      <h2 class="govuk-label-wrapper"><label class="govuk-label govuk-label--m" for="text-message">Text the resident</label></h2>
      <textarea class="govuk-textarea" id="text-message" name="text" rows="3" maxlength="612"></textarea>
    </div>
    <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Send text</button>
  </form>`
        : html`<div class="govuk-inset-text">The resident did not agree to texts, so none can be sent from here.</div>`
      : ''
  }
  ${
    lead && ['new', 'claimed', 'in-progress'].includes(r.status)
      ? html`<form method="post" action="/hub/referrals/${r.id}/assign" novalidate>
    <input type="hidden" name="csrf" value="${o.csrf}">
    <input type="hidden" name="version" value="${r.version}">
    <div class="govuk-form-group">
      <h2 class="govuk-label-wrapper"><label class="govuk-label govuk-label--m" for="assignee">Assign to</label></h2>
      <select class="govuk-select" id="assignee" name="staffId">
        ${option('', 'Nobody (back to the queue)', r.assignee === null)}
        ${o.assignable.map((s) => option(s.id, s.email, r.assignee === s.id))}
      </select>
    </div>
    <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Assign</button>
  </form>`
      : ''
  }
  ${
    mayWork && o.wards.length > 0
      ? html`<form method="post" action="/hub/referrals/${r.id}/ward" novalidate>
    <input type="hidden" name="csrf" value="${o.csrf}">
    <input type="hidden" name="version" value="${r.version}">
    <h2 class="govuk-heading-m">${r.ward.code ? 'Correct the ward' : 'Set the ward'}</h2>
    <div class="govuk-form-group">
      <label class="govuk-label" for="ward-code">Ward</label>
      <select class="govuk-select" id="ward-code" name="ward">
        ${option('', 'Choose a ward', r.ward.code === null)}
        ${o.wards.map((w) => option(w.code, w.name, r.ward.code === w.code))}
      </select>
    </div>
    <div class="govuk-form-group">
      <label class="govuk-label" for="ward-why">Reason</label>
      <div id="ward-why-hint" class="govuk-hint">For example, the resident gave their address on the phone.</div>
      <input class="govuk-input" id="ward-why" name="why" type="text" maxlength="500" aria-describedby="ward-why-hint">
    </div>
    <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">${r.ward.code ? 'Change ward' : 'Set ward'}</button>
  </form>`
      : ''
  }
  <p class="govuk-body"><a class="govuk-link" href="/hub/queue">Back to the queue</a></p>
</div>
</div>`;
}

// ---- the team, wards, admin ----

export function teamPage(rows: (WorkloadRow & { email: string | null })[], overdueUnassigned: number): SafeHtml {
  return html`<h1 class="govuk-heading-l">Team workload</h1>
<p class="govuk-body">Unassigned and overdue: <strong>${overdueUnassigned}</strong>. <a class="govuk-link" href="/hub/queue?overdue=true">See overdue referrals</a></p>
<table class="govuk-table">
  <caption class="govuk-table__caption govuk-table__caption--m">Open referrals by person</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Person</th><th scope="col" class="govuk-table__header">Status</th><th scope="col" class="govuk-table__header govuk-table__header--numeric">Referrals</th><th scope="col" class="govuk-table__header govuk-table__header--numeric">Overdue</th></tr></thead>
  <tbody class="govuk-table__body">
    ${rows.map((row) => html`<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">${row.email ?? 'Former staff member'}</th><td class="govuk-table__cell">${STATUS_LABELS[row.status]}</td><td class="govuk-table__cell govuk-table__cell--numeric">${row.count}</td><td class="govuk-table__cell govuk-table__cell--numeric">${row.overdue}</td></tr>`)}
  </tbody>
</table>
${rows.length === 0 ? html`<p class="govuk-body">Nobody has open referrals.</p>` : ''}`;
}

export function wardsPage(week: string, stats: { wardName: string | null; wardCode: string; counts: CouncillorWardCounts }[]): SafeHtml {
  return html`<h1 class="govuk-heading-l">Figures for your wards</h1>
<p class="govuk-body">Referrals made from ${week}. Counts only: residents' details are never shown here. Numbers from 1 to 4 are shown as "fewer than 5", and some larger numbers are not shown, so that a small number cannot be worked out from a total.</p>
${stats.map(
  (s) => html`<table class="govuk-table">
  <caption class="govuk-table__caption govuk-table__caption--m">${s.wardName ?? s.wardCode}</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Kind</th><th scope="col" class="govuk-table__header govuk-table__header--numeric">Referrals</th></tr></thead>
  <tbody class="govuk-table__body">
    ${(Object.keys(KIND_LABELS) as ReferralKind[]).map((k) => html`<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">${KIND_LABELS[k]}</th><td class="govuk-table__cell govuk-table__cell--numeric">${countText(s.counts.byKind[k])}</td></tr>`)}
    <tr class="govuk-table__row"><th scope="row" class="govuk-table__header">All referrals</th><td class="govuk-table__cell govuk-table__cell--numeric">${countText(s.counts.total)}</td></tr>
  </tbody>
</table>`,
)}`;
}

export function adminPage(o: { csrf: string; erased?: ErasureResult; errors?: { text: string; href?: string }[] }): SafeHtml {
  return html`${errorSummary(o.errors ?? [])}
<h1 class="govuk-heading-l">Administration</h1>
${o.erased ? successBanner(`Erased ${plural(o.erased.referrals, 'referral')} and ${plural(o.erased.stateKeys, 'conversation record')}.`) : ''}
<h2 class="govuk-heading-m">Subject access request</h2>
<p class="govuk-body">Find everything held about a resident by the phone number or email address they gave.</p>
<form method="post" action="/hub/admin/subject-access" novalidate>
  <input type="hidden" name="csrf" value="${o.csrf}">
  <div class="govuk-form-group">
    <label class="govuk-label" for="sar-phone">Phone number</label>
    <input class="govuk-input govuk-input--width-20" id="sar-phone" name="phone" type="tel" autocomplete="off">
  </div>
  <div class="govuk-form-group">
    <label class="govuk-label" for="sar-email">Or email address</label>
    <input class="govuk-input govuk-!-width-two-thirds" id="sar-email" name="email" type="email" autocomplete="off" spellcheck="false">
  </div>
  <div class="govuk-button-group">
    <button type="submit" name="action" value="export" class="govuk-button" data-module="govuk-button">Download everything held (JSON)</button>
  </div>
  <div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> Erasing cannot be undone.</strong></div>
  <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
    <div class="govuk-checkboxes__item">
      <input class="govuk-checkboxes__input" id="sar-confirm" name="confirm" type="checkbox" value="true">
      <label class="govuk-label govuk-checkboxes__label" for="sar-confirm">I am sure: erase this resident's referrals and conversations</label>
    </div>
  </div>
  <button type="submit" name="action" value="erase" class="govuk-button govuk-button--warning govuk-!-margin-top-4" data-module="govuk-button">Erase</button>
</form>
<p class="govuk-body">Staff accounts are managed with <code>npm run users</code> or the <a class="govuk-link" href="/api/hub/openapi.json">staff API</a>.</p>`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function messagePage(heading: string, text: string): SafeHtml {
  return html`<h1 class="govuk-heading-l">${heading}</h1><p class="govuk-body">${text}</p><p class="govuk-body"><a class="govuk-link" href="/hub">Go to the start</a></p>`;
}
