/**
 * Small-number protection: counts of 1-4 are "fewer than 5", and nothing shown lets a reader work one out.
 *
 * The property test plays the reader: it takes what a protected table shows, enumerates every table that would
 * look the same, and checks that each "fewer than 5" cell could still be any of 1, 2, 3 or 4.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { changeBetween, foldSmallPlaces, protectBreakdown, protectTable, single, type DigestCount } from '../services/digests/suppression';

const shown = (value: number): DigestCount => ({ kind: 'count', value });
const small: DigestCount = { kind: 'fewer-than-5' };
const withheld: DigestCount = { kind: 'withheld' };

/**
 * For each "fewer than 5" cell, the values it could take given what is shown: exact counts, 1..4 for "fewer than
 * 5", 5..(smallest shown count) for withheld cells (the smallest are withheld first), and the total when shown.
 */
function readerCanTell(cells: readonly DigestCount[], total: DigestCount | null): Set<number>[] {
  const exact = cells.filter((c): c is { kind: 'count'; value: number } => c.kind === 'count').map((c) => c.value);
  const ceiling = Math.min(40, ...exact.filter((v) => v > 0));
  const ranges = cells.map((c) => (c.kind === 'count' ? [c.value] : c.kind === 'fewer-than-5' ? [1, 2, 3, 4] : range(5, ceiling)));
  const possible = cells.map(() => new Set<number>());
  const walk = (i: number, chosen: number[]): void => {
    if (i === cells.length) {
      if (total !== null && total.kind === 'count' && chosen.reduce((a, b) => a + b, 0) !== total.value) return;
      chosen.forEach((v, j) => possible[j]?.add(v));
      return;
    }
    for (const v of ranges[i] ?? []) walk(i + 1, [...chosen, v]);
  };
  walk(0, []);
  return possible;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

describe('digest small-number protection', () => {
  it('when a count stands alone, then 1 to 4 is "fewer than 5" and 0 and 5 are shown', () => {
    assert.deepEqual([0, 1, 4, 5, 37].map(single), [shown(0), small, small, shown(5), shown(37)]);
  });

  it('when no count in a table is small, then everything is shown', () => {
    assert.deepEqual(protectTable([12, 8, 0]), { cells: [shown(12), shown(8), shown(0)], total: shown(20) });
  });

  it('when one count is small and the total is shown, then the next smallest is withheld too', () => {
    assert.deepEqual(protectTable([3, 10, 0, 20]), { cells: [small, withheld, shown(0), shown(20)], total: shown(33) });
  });

  it('when withholding the next smallest is not enough, then more are withheld', () => {
    // 4 + 5 = 9 with the 5 withheld and another 5 shown: the reader knows the withheld one is 5, so the 4 is 4.
    assert.deepEqual(protectTable([4, 5, 5]).cells, [small, withheld, withheld]);
  });

  it('when two small counts could only be what they are, then the total is withheld', () => {
    assert.deepEqual(protectTable([4, 4, 0]), { cells: [small, small, shown(0)], total: withheld });
    assert.deepEqual(protectTable([1, 5]), { cells: [small, withheld], total: withheld });
  });

  it('when the total itself is small, then it and its counts are "fewer than 5"', () => {
    assert.deepEqual(protectTable([1, 0, 2]), { cells: [small, shown(0), small], total: small });
  });

  it('when a breakdown of a total that is not shown is asked for, then there is none', () => {
    assert.equal(protectBreakdown([1, 2], small), null);
    assert.equal(protectBreakdown([5, 2], withheld), null);
    assert.equal(protectBreakdown([4, 4], shown(8)), null, 'no withholding makes this safe');
    assert.deepEqual(protectBreakdown([2, 9, 30], shown(41)), [small, withheld, shown(30)]);
  });

  it('when either period is not shown exactly, then the change is not shown either', () => {
    assert.equal(changeBetween(shown(12), shown(9)), 3);
    assert.equal(changeBetween(shown(12), small), null);
    assert.equal(changeBetween(withheld, shown(9)), null);
  });

  it('when places are folded, then only places with 5 or more are named and "other" is never 1 to 4', () => {
    assert.deepEqual(foldSmallPlaces([{ label: 'A', count: 7 }, { label: 'B', count: 5 }, { label: 'C', count: 2 }], 14), { named: [{ label: 'A', count: 7 }], other: 7 });
    assert.deepEqual(foldSmallPlaces([{ label: 'A', count: 7 }, { label: 'B', count: 6 }], 13), { named: [{ label: 'A', count: 7 }, { label: 'B', count: 6 }], other: 0 });
    assert.deepEqual(foldSmallPlaces([{ label: 'A', count: 3 }], 3), { named: [], other: 3 });
  });

  it('when any table is protected, then a reader of what is shown cannot narrow a "fewer than 5" count at all', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 12 }), { minLength: 1, maxLength: 5 }), (values) => {
        const { cells, total } = protectTable(values);
        const possible = readerCanTell(cells, total);
        cells.forEach((cell, i) => {
          if (cell.kind === 'fewer-than-5') assert.deepEqual([...(possible[i] ?? [])].sort(), [1, 2, 3, 4], `cell ${i} of ${JSON.stringify(values)}`);
          if (cell.kind === 'count') assert.equal(cell.value, values[i]);
          if (cell.kind === 'withheld') assert.ok((values[i] ?? 0) >= 5);
        });
      }),
      { numRuns: 400, seed: 5 },
    );
  });

  it('when any breakdown of a shown total is protected, then the same holds', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 12 }), { minLength: 1, maxLength: 5 }), (values) => {
        const total = values.reduce((a, b) => a + b, 0);
        const cells = protectBreakdown(values, shown(total));
        if (cells === null) return;
        const possible = readerCanTell(cells, shown(total));
        cells.forEach((cell, i) => {
          if (cell.kind === 'fewer-than-5') assert.deepEqual([...(possible[i] ?? [])].sort(), [1, 2, 3, 4], JSON.stringify(values));
        });
      }),
      { numRuns: 400, seed: 6 },
    );
  });
});
