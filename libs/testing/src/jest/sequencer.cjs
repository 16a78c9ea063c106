// The order jest's workers take the suites in: longest first, so that no long suite starts last while the other
// worker idles (on two workers the run ends when the later of the two queues does). Jest's own sequencer knows a
// suite's duration only from its cache of an earlier run on this machine; a clean clone (CI) has none, and then it
// orders by file size, which put e.g. a 90-second e2e suite among the last. The durations of a whole run are kept in
// durations.json beside this file (`node scripts/test-durations.mjs` after `npm test` writes them); a suite that is
// in neither gets the median of its level. A suite that failed in this machine's last run still goes first.
const { readFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const ROOT = join(__dirname, '../../../..');
const LEVEL = /\.(unit|int|e2e)\.spec\.ts$/;

function readDurations() {
  try {
    return JSON.parse(readFileSync(join(__dirname, 'durations.json'), 'utf8'));
  } catch {
    return {};
  }
}

/** The median recorded duration of each level (unit, int, e2e), for suites not recorded yet. */
function mediansByLevel(durations) {
  const byLevel = {};
  for (const [path, seconds] of Object.entries(durations)) {
    const level = LEVEL.exec(path)?.[1] ?? 'other';
    (byLevel[level] ??= []).push(seconds);
  }
  const medians = {};
  for (const [level, values] of Object.entries(byLevel)) medians[level] = values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return medians;
}

class LongestFirst extends Sequencer {
  constructor(...args) {
    super(...args);
    this.durations = readDurations();
    this.medians = mediansByLevel(this.durations);
  }

  /**
   * Milliseconds, as jest's cache keeps them: this machine's last run, else the recorded run, else the level's median;
   * undefined without any of them (jest then orders by file size).
   */
  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    const path = relative(ROOT, test.path);
    const seconds = this.durations[path] ?? this.medians[LEVEL.exec(path)?.[1] ?? 'other'];
    return seconds === undefined ? undefined : seconds * 1000;
  }
}

module.exports = LongestFirst;
