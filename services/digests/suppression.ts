/**
 * Small numbers: a count of 1 to 4 is shown as "fewer than 5", and other counts are withheld where they would let
 * one of those be worked out.
 *
 * Why more than hiding 1-4: a table whose total is shown gives the hidden cell away by subtraction (ASB by type: 12
 * in all, 8 noise, "fewer than 5" drugs: drugs = 4). So, in a table whose total is known, whenever a
 * count is hidden, the smallest other counts are withheld too, until the hidden cells together could hold any value
 * from 1 to 4 in every "fewer than 5" cell (complementary suppression). Readers can see which hidden cells are "fewer
 * than 5" and which are withheld, so the check uses what they can infer: a "fewer than 5" cell lies in 1..4, and a
 * withheld one is at least 5 and no bigger than the smallest count still shown (the smallest are withheld first).
 * When no choice of withheld cells is enough (two cells of 4 and a total of 8), the caller hides the total or the
 * whole breakdown instead.
 *
 * Zero is shown as 0: "nobody in this ward asked for help with energy" says nothing about anyone.
 */
export const SMALL_COUNT = 5;

export type DigestCount =
  /** Shown as it is. */
  | { kind: 'count'; value: number }
  /** 1 to 4. */
  | { kind: 'fewer-than-5' }
  /** 5 or more, hidden so that a smaller count cannot be worked out. */
  | { kind: 'withheld' };

export function isShown(count: DigestCount): count is { kind: 'count'; value: number } {
  return count.kind === 'count';
}

/** One count on its own: only "fewer than 5" applies. */
export function single(value: number): DigestCount {
  return value > 0 && value < SMALL_COUNT ? { kind: 'fewer-than-5' } : { kind: 'count', value };
}

export interface ProtectedCells {
  cells: DigestCount[];
  /** False when even withholding every other count leaves a small one deducible: hide the total or the table. */
  safe: boolean;
}

/**
 * Cells of a table whose total the reader knows. Returns which to show, which are "fewer than 5", and which to
 * withhold; `safe` says whether that is enough.
 */
export function protectCells(values: readonly number[]): ProtectedCells {
  const state: ('shown' | 'small' | 'withheld')[] = values.map((v) => (v > 0 && v < SMALL_COUNT ? 'small' : 'shown'));
  while (!ambiguousEnough(values, state)) {
    let next = -1;
    values.forEach((v, i) => {
      if (state[i] === 'shown' && v > 0 && (next === -1 || v < (values[next] as number))) next = i;
    });
    if (next === -1) return { cells: cellsFor(values, state), safe: false };
    state[next] = 'withheld';
  }
  return { cells: cellsFor(values, state), safe: true };
}

function cellsFor(values: readonly number[], state: readonly ('shown' | 'small' | 'withheld')[]): DigestCount[] {
  return values.map((v, i) =>
    state[i] === 'small' ? { kind: 'fewer-than-5' } : state[i] === 'withheld' ? { kind: 'withheld' } : { kind: 'count', value: v },
  );
}

/**
 * True when every "fewer than 5" cell could still be any of 1..4. The reader knows the hidden cells' total (by
 * subtraction), that each "fewer than 5" cell is 1..4, and that each withheld cell is at least 5 and, because the
 * smallest are withheld first, at most the smallest count still shown.
 */
function ambiguousEnough(values: readonly number[], state: readonly ('shown' | 'small' | 'withheld')[]): boolean {
  let small = 0;
  let withheld = 0;
  let hiddenTotal = 0;
  let smallestShown = Number.POSITIVE_INFINITY;
  values.forEach((v, i) => {
    if (state[i] === 'small') small += 1;
    if (state[i] === 'withheld') withheld += 1;
    if (state[i] !== 'shown') hiddenTotal += v;
    else if (v > 0) smallestShown = Math.min(smallestShown, v);
  });
  if (small === 0) return true;
  // The most and the least one small cell could be, given what the other hidden cells could hold.
  const most = hiddenTotal - (small - 1) - SMALL_COUNT * withheld;
  const least = hiddenTotal - (SMALL_COUNT - 1) * (small - 1) - (withheld === 0 ? 0 : smallestShown * withheld);
  return most >= SMALL_COUNT - 1 && least <= 1;
}

export interface ProtectedTable {
  cells: DigestCount[];
  total: DigestCount;
}

/**
 * A table and its total, both shown by us (the counts by kind, outcomes). A small total is "fewer than 5" and its
 * cells too; otherwise complementary suppression, and if that cannot make it safe, the total is withheld.
 */
export function protectTable(values: readonly number[]): ProtectedTable {
  const total = values.reduce((a, b) => a + b, 0);
  if (total < SMALL_COUNT) return { cells: values.map(single), total: single(total) };
  const { cells, safe } = protectCells(values);
  return { cells, total: safe ? { kind: 'count', value: total } : { kind: 'withheld' } };
}

/**
 * A breakdown of a count shown elsewhere (ASB by type, of the ASB total). Null means: do not break it down, because
 * the total is not shown exactly or no withholding makes the breakdown safe.
 */
export function protectBreakdown(values: readonly number[], total: DigestCount): DigestCount[] | null {
  if (!isShown(total) || total.value === 0) return null;
  const { cells, safe } = protectCells(values);
  return safe ? cells : null;
}

/** A change between two periods, only when both counts are shown exactly (otherwise it would reveal one of them). */
export function changeBetween(current: DigestCount, previous: DigestCount): number | null {
  return isShown(current) && isShown(previous) ? current.value - previous.value : null;
}

/**
 * Places: only places with at least 5 reports are named; the rest are "other places". If "other places" would be
 * 1 to 4 (and so deducible from the total), the smallest named places are folded into it until it is not.
 */
export function foldSmallPlaces(counts: readonly { label: string; count: number }[], total: number): { named: { label: string; count: number }[]; other: number } {
  const named = counts.filter((c) => c.count >= SMALL_COUNT).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  let other = total - named.reduce((sum, c) => sum + c.count, 0);
  while (other > 0 && other < SMALL_COUNT && named.length > 0) other += (named.pop() as { count: number }).count;
  return { named, other };
}
