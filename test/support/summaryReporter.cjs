'use strict';
// Mocha's spec reporter, plus the one plain closing line CI reads: `N passed, N failed, N skipped`.
// The counts come from Mocha's own runner statistics, so the line is the real result.
const Mocha = require('mocha');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      // Written after Spec's epilogue so it is the last line of the run.
      process.nextTick(() => {
        process.stdout.write(`${s.passes || 0} passed, ${s.failures || 0} failed, ${s.pending || 0} skipped\n`);
      });
    });
  }
}
module.exports = SummaryReporter;
