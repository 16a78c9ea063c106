// Writes each suite's duration from the last `npm test` (.sluice/test-results/jest.json) into
// libs/testing/src/jest/durations.json, which orders the suites of later runs longest first (sequencer.cjs there).
// Run it after a whole run on a quiet machine, and commit the file when suites were added or changed much.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = JSON.parse(readFileSync(join(root, '.sluice/test-results/jest.json'), 'utf8'));
const durations = {};
for (const suite of [...results.testResults].sort((a, b) => a.name.localeCompare(b.name))) {
  durations[relative(root, suite.name)] = Math.round((suite.endTime - suite.startTime) / 100) / 10;
}
const file = join(root, 'libs/testing/src/jest/durations.json');
writeFileSync(file, `${JSON.stringify(durations, null, 1)}\n`);
const total = Object.values(durations).reduce((sum, s) => sum + s, 0);
console.log(`${Object.keys(durations).length} suites, ${total.toFixed(0)} s in all, written to ${relative(root, file)}`);
