/**
 * How a checked staff change is applied to a referral, shared by both stores so they cannot differ.
 */
import { referral as referralSchema, type Referral } from '../referrals/model';
import type { TransitionRequest } from './hubTypes';

/** The referral after a checked change: validated whole, so a bad change never reaches the file. */
export function applyChanges(current: Referral, request: TransitionRequest): Referral {
  const { changes } = request;
  return referralSchema.parse({
    ...current,
    ...(changes.status !== undefined ? { status: changes.status } : {}),
    ...(changes.assignee !== undefined ? { assignee: changes.assignee } : {}),
    ...(changes.outcome !== undefined ? { outcome: changes.outcome } : {}),
    ...(changes.ward !== undefined ? { ward: changes.ward } : {}),
    history: request.history ? [...current.history, request.history] : current.history,
    notes: request.note ? [...current.notes, request.note] : current.notes,
    updatedAt: request.at,
    version: current.version + 1,
  });
}

