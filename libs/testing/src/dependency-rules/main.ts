// `npm test` runs this before jest: it prints every breach of the dependency rule and exits 1 if there is one.
import { resolve } from 'node:path';
import { checkDependencies } from './check-dependencies';

const root = resolve(__dirname, '../../../..');
const violations = checkDependencies(root);
for (const violation of violations) console.error(`  ✗ [${violation.rule}] ${violation.message}`);
console.log(violations.length === 0 ? 'dependency rule ok: no deep import, every workspace import declared, pure domain/ folders, no package cycle.' : `${violations.length} breaches of the dependency rule (docs/decisions/0033).`);
process.exit(violations.length === 0 ? 0 : 1);
