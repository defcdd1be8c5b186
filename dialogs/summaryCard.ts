/**
 * How "please check this is right" looks per channel. The flow is the same everywhere; only the rendering differs:
 * Web Chat shows the answers as an Adaptive Card (a FactSet, one row per answer), SMS and the Emulator get the
 * plain lines of text.
 */
import { CardFactory, MessageFactory, type Activity, type Attachment } from 'botbuilder';
import type { SummaryLine } from './journeyDialog';
import * as wording from './wording';

/** Channels whose clients render Adaptive Cards: Web Chat over our embedded or Azure's Direct Line. */
const CARD_CHANNELS: ReadonlySet<string> = new Set(['webchat', 'directline']);

export function supportsCards(channelId: string | undefined): boolean {
  return channelId !== undefined && CARD_CHANNELS.has(channelId);
}

export function summaryText(lines: readonly SummaryLine[]): string {
  return [wording.summary.intro, ...lines.map(([label, value]) => `${label}: ${value}`)].join('\n');
}

/** The summary message for `channelId`: an Adaptive Card where the channel shows one, otherwise text. */
export function summaryMessage(channelId: string | undefined, lines: readonly SummaryLine[]): Partial<Activity> {
  if (!supportsCards(channelId)) return MessageFactory.text(summaryText(lines));
  return MessageFactory.attachment(summaryCard(lines), wording.summary.intro);
}

export function summaryCard(lines: readonly SummaryLine[]): Attachment {
  return CardFactory.adaptiveCard({
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.3',
    fallbackText: summaryText(lines),
    body: [{ type: 'FactSet', facts: lines.map(([title, value]) => ({ title: `${title}:`, value: escapeMarkdown(value) })) }],
  });
}

/**
 * Adaptive Card text is markdown; what a resident typed must show as typed, not become a link, a list or bold.
 */
export function escapeMarkdown(value: string): string {
  return value
    .replace(/[\\`*_[\]()~<>#|!]/g, '\\$&')
    .replace(/^(\s*)([-+])(\s)/, '$1\\$2$3')
    .replace(/^(\s*)(\d+)\.(\s)/, '$1$2\\.$3');
}
