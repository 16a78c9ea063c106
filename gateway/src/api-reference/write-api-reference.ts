// Writes docs/api.md from the services' schemas: `npx tsx gateway/src/api-reference/write-api-reference.ts`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiReference } from './api-reference';

const file = join(__dirname, '../../../docs/api.md');
writeFileSync(file, apiReference());
console.log(`wrote ${file}`);
