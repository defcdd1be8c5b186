/**
 * The one `onTurnError`. The resident gets a safe reply with a human route, never internals; the log gets the
 * error's name and where it happened, never the message text (it can quote what the resident typed).
 */
import type { TurnContext } from 'botbuilder';
import * as wording from '../dialogs/wording';
import type { Logger } from '../services/logger';

export function errorSummary(error: unknown): { type: string; frames: string[] } {
  const err = error instanceof Error ? error : new Error('non-error thrown');
  const frames = (err.stack ?? '').split('\n').filter((l) => l.trimStart().startsWith('at ')).slice(0, 8).map((l) => l.trim());
  return { type: err.name, frames };
}

export function createOnTurnError(deps: { logger: Logger; hubPhone: string }) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    deps.logger.error(
      { err: errorSummary(error), conversationId: context.activity.conversation?.id, channel: context.activity.channelId },
      'turn failed',
    );
    try {
      await context.sendActivity(wording.general.turnError(deps.hubPhone));
    } catch (sendError) {
      deps.logger.error({ err: errorSummary(sendError) }, 'could not tell the resident about the failed turn');
    }
  };
}
