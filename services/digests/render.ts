/**
 * A digest as an accessible HTML email, its plain-text part, and a short text message.
 *
 * Renders only a {@link WardDigest}: counts under fixed labels, and names from the council's own data. It imports
 * nothing that describes a referral, and test/digests.privacy.test.ts checks that it stays that way.
 *
 * HTML: one h1, h2 per section, data tables with captions and header cells with scope, no images, no layout tables.
 * The bar chart is a table whose bars are text (aria-hidden), with the number beside each bar for everyone, so it
 * reads the same with images off, in high-contrast mode, and in a screen reader. The plain-text part carries the
 * same content with the same bars drawn in characters, for mail clients that show text only and for GOV.UK Notify
 * (which builds its own accessible email from text).
 */
import { countSegments, toGsmFriendly } from '../sms/segments';
import { formatDuration, type ComparedRow, type CountRow, type WardDigest } from './build';
import type { DigestCount } from './suppression';

export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
  sms: string;
}

/** Longest bar, in characters. */
const BAR_WIDTH = 30;
export const SMS_MAX = 320;

export function renderDigest(d: WardDigest): RenderedDigest {
  return { subject: subjectOf(d), html: renderHtml(d), text: renderText(d), sms: renderSms(d) };
}

export function subjectOf(d: WardDigest): string {
  return `${areaTitle(d)}: community hub digest for ${d.period.label}`;
}

function areaTitle(d: WardDigest): string {
  if (d.area.title !== undefined) return d.area.title;
  return d.area.code === null ? `${d.council}: referrals with no ward` : `${d.area.name} ward`;
}

/** For an area digest: which wards it adds up. */
function wardsLine(d: WardDigest): string | null {
  return d.area.wards === undefined ? null : `It adds up these wards: ${d.area.wards.join(', ')}.`;
}

function countText(count: DigestCount): string {
  switch (count.kind) {
    case 'count':
      return String(count.value);
    case 'fewer-than-5':
      return 'fewer than 5';
    case 'withheld':
      return 'not shown';
  }
}

function changeText(change: number | null): string {
  if (change === null) return 'not shown';
  if (change === 0) return 'no change';
  return change > 0 ? `up ${change}` : `down ${-change}`;
}

function bar(count: DigestCount, max: number): string {
  if (count.kind !== 'count' || count.value === 0 || max === 0) return '';
  return '#'.repeat(Math.max(1, Math.round((count.value / max) * BAR_WIDTH)));
}

function maxShown(counts: readonly DigestCount[]): number {
  return Math.max(0, ...counts.map((c) => (c.kind === 'count' ? c.value : 0)));
}

const PERIOD_WORD: Record<WardDigest['period']['kind'], string> = { weekly: 'This week', monthly: 'This month', custom: 'This period' };

const HIDDEN_EXPLAINED =
  'Numbers from 1 to 4 are shown as "fewer than 5". Some larger numbers are not shown, so that a small number cannot be worked out from a total. Streets and landmarks are named only when at least 5 reports mention them.';

const ABOUT =
  'These are counts of referrals residents made through the community hub\u2019s text and web chat service. They never include names, contact details, addresses or anything a resident wrote.';

// ---- HTML ------------------------------------------------------------------------------------------------------

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const css = `
body{margin:0;padding:0;background:#ffffff;color:#0b0c0c;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5}
.wrap{max-width:640px;margin:0 auto;padding:16px}
h1{font-size:28px;line-height:1.2;margin:0 0 16px}
h2{font-size:22px;line-height:1.25;margin:32px 0 8px}
h3{font-size:18px;margin:24px 0 8px}
table{border-collapse:collapse;width:100%;margin:0 0 16px}
caption{text-align:left;font-weight:bold;padding:0 0 8px}
th,td{text-align:left;vertical-align:top;padding:6px 8px 6px 0;border-bottom:1px solid #b1b4b6}
td.n{text-align:right;white-space:nowrap}
.bar{color:#1d70b8;font-family:'Courier New',Courier,monospace;letter-spacing:-1px}
.note{color:#505a5f}
a{color:#1d70b8}
`.trim();

function countTable(caption: string, firstHeader: string, rows: readonly CountRow[], total?: CountRow): string {
  const body = rows.map((r) => `<tr><th scope="row">${esc(r.label)}</th><td class="n">${esc(countText(r.count))}</td></tr>`).join('');
  const foot = total ? `<tfoot><tr><th scope="row">${esc(total.label)}</th><td class="n">${esc(countText(total.count))}</td></tr></tfoot>` : '';
  return `<table><caption>${esc(caption)}</caption><thead><tr><th scope="col">${esc(firstHeader)}</th><th scope="col" class="n">Number</th></tr></thead><tbody>${body}</tbody>${foot}</table>`;
}

function comparedRowHtml(r: ComparedRow): string {
  const cell = (text: string) => `<td class="n">${esc(text)}</td>`;
  return `<tr><th scope="row">${esc(r.label)}</th>${cell(countText(r.current))}${cell(countText(r.previous))}${cell(changeText(r.change))}</tr>`;
}

function barChartHtml(d: WardDigest): string {
  const max = maxShown(d.raised.rows.map((r) => r.current));
  const rows = d.raised.rows
    .map((r) => {
      const b = bar(r.current, max);
      const barHtml = b ? `<span class="bar" aria-hidden="true">${'\u2588'.repeat(b.length)}</span> ` : '';
      return `<tr><th scope="row">${esc(r.label)}</th><td>${barHtml}${esc(countText(r.current))}</td></tr>`;
    })
    .join('');
  return `<table><caption>Referrals raised, as a bar chart</caption><thead><tr><th scope="col">Kind of help</th><th scope="col">Number</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderHtml(d: WardDigest): string {
  const title = subjectOf(d);
  const parts: string[] = [];
  parts.push(`<h1>${esc(areaTitle(d))}: what residents asked the community hub for</h1>`);
  parts.push(`<p>${esc(d.period.label)}. ${esc(ABOUT)}</p>`);
  const wards = wardsLine(d);
  if (wards !== null) parts.push(`<p>${esc(wards)}</p>`);

  parts.push('<h2>Referrals raised</h2>');
  parts.push(
    `<table><caption>Referrals raised, ${esc(d.period.label)}, compared with ${esc(d.previousLabel)}</caption>` +
      `<thead><tr><th scope="col">Kind of help</th><th scope="col" class="n">${esc(PERIOD_WORD[d.period.kind])}</th>` +
      `<th scope="col" class="n">${esc(capitalise(d.previousLabel))}</th><th scope="col" class="n">Change</th></tr></thead>` +
      `<tbody>${d.raised.rows.map((r) => comparedRowHtml(r)).join('')}</tbody><tfoot>${comparedRowHtml(d.raised.total)}</tfoot></table>`,
  );
  parts.push(barChartHtml(d));

  parts.push('<h2>Cost of living</h2>');
  parts.push(
    d.costOfLivingNeeds === null
      ? '<p>No cost-of-living referrals.</p>'
      : countTable('What people asked for help with (one referral can name several needs)', 'Need', d.costOfLivingNeeds),
  );

  parts.push('<h2>Anti-social behaviour</h2>');
  if (d.asbTypes === null || d.asbPlaces === null) {
    parts.push(`<p>${esc(asbNotBrokenDown(d))}</p>`);
  } else {
    parts.push(countTable('Reports by type', 'Type', d.asbTypes));
    const named = d.asbPlaces.named.map((p) => ({ label: p.label, count: { kind: 'count', value: p.count } as DigestCount }));
    if (d.asbPlaces.other > 0) named.push({ label: 'Other places, or place not recognised', count: { kind: 'count', value: d.asbPlaces.other } });
    parts.push(countTable('Reports by street or landmark', 'Street, landmark or postcode sector', named));
  }

  parts.push('<h2>How quickly the hub picked referrals up</h2>');
  parts.push(`<p>${esc(pickupSentence(d))}</p>`);
  if (d.pickup.pickedUp !== null && d.pickup.waiting !== null) {
    parts.push(
      countTable(`Referrals raised ${d.period.label}`, 'Picked up', [
        { label: 'Picked up before the end of the period', count: d.pickup.pickedUp },
        { label: 'Still waiting at the end of the period', count: d.pickup.waiting },
      ]),
    );
  }

  parts.push('<h2>What happened to referrals</h2>');
  parts.push(countTable(`Referrals the hub finished with, ${d.period.label}`, 'Outcome', d.outcomes.rows, { label: 'All finished', count: d.outcomes.total }));

  parts.push('<h2>Safeguarding</h2>');
  parts.push(`<p>${esc(safeguardingSentence(d))}</p>`);

  parts.push('<h2>About these numbers</h2>');
  const notes = [d.anyHidden ? HIDDEN_EXPLAINED : null, unknownWardSentence(d)].filter((n): n is string => n !== null);
  for (const note of notes) parts.push(`<p class="note">${esc(note)}</p>`);
  parts.push(`<p class="note">${esc(contactSentence(d))} <a href="${esc(d.hub.website)}">${esc(d.hub.website)}</a></p>`);

  return (
    `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${esc(title)}</title><style>${css}</style></head>` +
    `<body><div class="wrap" role="article" aria-roledescription="email" aria-label="${esc(title)}" lang="en-GB">${parts.join('\n')}</div></body></html>\n`
  );
}

// ---- plain text ------------------------------------------------------------------------------------------------

function textTable(rows: readonly [string, ...string[]][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('   ').trimEnd());
}

function heading(text: string): string[] {
  return ['', text.toUpperCase(), ''];
}

export function renderText(d: WardDigest): string {
  const lines: string[] = [];
  lines.push(`${areaTitle(d)}: what residents asked the community hub for`, d.period.label, '', ABOUT);
  const wards = wardsLine(d);
  if (wards !== null) lines.push('', wards);

  lines.push(...heading('Referrals raised'));
  lines.push(
    ...textTable([
      ['Kind of help', PERIOD_WORD[d.period.kind], capitalise(d.previousLabel), 'Change'],
      ...[...d.raised.rows, d.raised.total].map((r): [string, ...string[]] => [r.label, countText(r.current), countText(r.previous), changeText(r.change)]),
    ]),
  );
  lines.push('', 'As a bar chart:');
  const max = maxShown(d.raised.rows.map((r) => r.current));
  lines.push(...textTable(d.raised.rows.map((r): [string, ...string[]] => [r.label, countText(r.current), bar(r.current, max)])));

  lines.push(...heading('Cost of living'));
  if (d.costOfLivingNeeds === null) lines.push('No cost-of-living referrals.');
  else {
    lines.push('What people asked for help with (one referral can name several needs):');
    lines.push(...textTable(d.costOfLivingNeeds.map((r): [string, ...string[]] => [r.label, countText(r.count)])));
  }

  lines.push(...heading('Anti-social behaviour'));
  if (d.asbTypes === null || d.asbPlaces === null) lines.push(asbNotBrokenDown(d));
  else {
    lines.push('By type:');
    lines.push(...textTable(d.asbTypes.map((r): [string, ...string[]] => [r.label, countText(r.count)])));
    lines.push('', 'By street or landmark:');
    const rows: [string, ...string[]][] = d.asbPlaces.named.map((p) => [p.label, String(p.count)]);
    if (d.asbPlaces.other > 0) rows.push(['Other places, or place not recognised', String(d.asbPlaces.other)]);
    lines.push(...textTable(rows));
  }

  lines.push(...heading('How quickly the hub picked referrals up'));
  lines.push(pickupSentence(d));
  if (d.pickup.pickedUp !== null && d.pickup.waiting !== null) {
    lines.push(
      ...textTable([
        ['Picked up before the end of the period', countText(d.pickup.pickedUp)],
        ['Still waiting at the end of the period', countText(d.pickup.waiting)],
      ]),
    );
  }

  lines.push(...heading('What happened to referrals'));
  lines.push(`Referrals the hub finished with, ${d.period.label}:`);
  lines.push(...textTable([...d.outcomes.rows, { label: 'All finished', count: d.outcomes.total }].map((r): [string, ...string[]] => [r.label, countText(r.count)])));

  lines.push(...heading('Safeguarding'));
  lines.push(safeguardingSentence(d));

  lines.push(...heading('About these numbers'));
  if (d.anyHidden) lines.push(HIDDEN_EXPLAINED, '');
  const unknown = unknownWardSentence(d);
  if (unknown) lines.push(unknown, '');
  lines.push(`${contactSentence(d)} ${d.hub.website}`);
  return `${lines.join('\n')}\n`;
}

// ---- SMS -------------------------------------------------------------------------------------------------------

const SMS_KIND: readonly string[] = ['befriending', 'cost of living', 'ASB'];

/**
 * At most {@link SMS_MAX} GSM-7 characters (two texts): counts by kind with the change, and the median pick-up time.
 * Parts are dropped from the end, then the dates shortened, until it fits.
 */
export function renderSms(d: WardDigest): string {
  const counts = d.raised.rows
    .map((r, i) => {
      const change = r.change === null || r.change === 0 ? '' : ` (${r.change > 0 ? '+' : '-'}${Math.abs(r.change)})`;
      return `${SMS_KIND[i] ?? r.label} ${countText(r.current)}${change}`;
    })
    .join(', ');
  const median = d.pickup.medianMinutes === null ? null : `Median pick-up ${formatDuration(d.pickup.medianMinutes)}.`;
  const area = d.area.title ?? (d.area.code === null ? `${d.council} (no ward)` : d.area.name);
  const candidates = [
    [`${d.council} community hub digest, ${area}, ${d.period.label}: ${counts}.`, median, `Changes are against ${d.previousLabel}. Hub: ${d.hub.phone}`],
    [`${d.council} community hub digest, ${area}, ${d.period.label}: ${counts}.`, median, `Hub: ${d.hub.phone}`],
    [`${d.council} hub digest, ${area}, ${d.period.label}: ${counts}.`, median],
    [`${d.council} hub digest, ${area}, ${d.period.firstDay} to ${d.period.lastDay}: ${counts}.`],
    [`Hub digest, ${area}, ${d.period.firstDay} to ${d.period.lastDay}: ${counts}.`],
  ];
  let text = '';
  for (const parts of candidates) {
    text = gsmOnly(parts.filter((p): p is string => p !== null).join(' '));
    if (countSegments(text).units <= SMS_MAX) return text;
  }
  return text.slice(0, SMS_MAX);
}

/** Typographic characters to their plain forms, accents dropped, anything else outside GSM-7 removed. */
function gsmOnly(text: string): string {
  const plain = toGsmFriendly(text).normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  return [...plain].filter((ch) => countSegments(ch).encoding === 'GSM-7').join('');
}

// ---- sentences shared by both parts -------------------------------------------------------------------------------

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function asbNotBrokenDown(d: WardDigest): string {
  const asb = d.raised.rows[2]?.current;
  if (asb && asb.kind === 'count' && asb.value === 0) return 'No anti-social behaviour reports.';
  return 'Not broken down by type or place: there are too few reports to do that without risking identifying someone.';
}

function pickupSentence(d: WardDigest): string {
  if (d.pickup.medianMinutes === null) {
    return 'Fewer than 5 referrals raised in this period were picked up before it ended, so no typical time is given.';
  }
  return `Half of the referrals picked up were picked up within ${formatDuration(d.pickup.medianMinutes)} of being raised (the median).`;
}

function safeguardingSentence(d: WardDigest): string {
  const n = countText(d.safeguarding);
  return `Referrals where the resident\u2019s words raised a safeguarding concern, and which the hub treated as urgent: ${n}. Only the number is given here; the hub follows each one up under its safeguarding procedures.`;
}

function unknownWardSentence(d: WardDigest): string | null {
  if (d.unknownWard === null) return null;
  if (d.unknownWard.kind === 'count' && d.unknownWard.value === 0) return null;
  return `Across ${d.council}, ${countText(d.unknownWard)} referrals raised in this period could not be placed in a ward (no postcode, or a postcode the hub could not look up), so they are in no ward\u2019s digest.`;
}

function contactSentence(d: WardDigest): string {
  return `Questions about this digest: ${d.hub.name}, ${d.hub.phone}, ${d.hub.email}.`;
}
