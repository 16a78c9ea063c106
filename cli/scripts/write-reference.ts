// Writes docs/cli.md from the verb table: `npx tsx cli/scripts/write-reference.ts`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliReference } from '../src/reference';

const file = join(__dirname, '../../docs/cli.md');
writeFileSync(file, cliReference());
console.log(`wrote ${file}`);
