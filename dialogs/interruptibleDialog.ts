/**
 * The base every journey (and the main menu) extends: "help", "cancel" / "start again" and "speak to a person"
 * (the live handoff: dialogs/personRequest.ts) work at every step. The safeguarding check is not here: it runs in the bot before any dialog, so that it wins
 * over everything, including these.
 */
import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { recogniseCommand } from '../services/intent';
import type { DialogDeps } from './deps';
import { askForPerson } from './personRequest';
import { TurnKeys } from './ids';
import * as wording from './wording';

export abstract class InterruptibleDialog extends ComponentDialog {
  /** How help describes this journey ("You are reporting anti-social behaviour."); null for the menu. */
  abstract readonly journeyName: string | null;

  protected constructor(
    id: string,
    protected readonly deps: DialogDeps,
  ) {
    super(id);
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const interrupted = await this.interrupt(innerDc);
    return interrupted ?? super.onContinueDialog(innerDc);
  }

  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const text = innerDc.context.activity.text;
    if (typeof text !== 'string') return undefined;
    switch (recogniseCommand(text)) {
      case 'help':
        await innerDc.context.sendActivity(wording.general.help(this.innermostJourneyName(innerDc)));
        await innerDc.repromptDialog();
        return { status: DialogTurnStatus.waiting };
      case 'cancel':
        await innerDc.context.sendActivity(wording.general.cancelled);
        innerDc.context.turnState.set(TurnKeys.cancelled, true);
        return innerDc.cancelAllDialogs();
      case 'person': {
        // In hours: the live queue, and the journey carries on while they wait. Out of hours: the bot offers a
        // call-back on top of the journey (it sees TurnKeys.offerCallback), and the journey is asked again after.
        const answer = await askForPerson(innerDc, this.deps);
        if (answer !== 'closed') await innerDc.repromptDialog();
        return { status: DialogTurnStatus.waiting };
      }
      default:
        return undefined;
    }
  }

  /** The outermost dialog handles the interruption, but help should name the journey the resident is in. */
  private innermostJourneyName(innerDc: DialogContext): string | null {
    let name = this.journeyName;
    let dc: DialogContext | undefined = innerDc;
    while (dc) {
      const active = dc.activeDialog ? dc.findDialog(dc.activeDialog.id) : undefined;
      if (active instanceof InterruptibleDialog && active.journeyName) name = active.journeyName;
      dc = dc.child;
    }
    return name;
  }
}
