import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliReference } from './reference';
import { VERBS } from './verbs';

describe('docs/cli.md', () => {
  it('is the reference the verbs make (regenerate with `npx tsx cli/scripts/write-reference.ts`)', () => {
    expect(readFileSync(join(__dirname, '../../docs/cli.md'), 'utf8')).toBe(cliReference());
  });

  it('gives every verb at least one example that uses it', () => {
    for (const verb of VERBS) expect(verb.examples.some((example) => example.includes(`sluice ${verb.name.split(' ')[0]}`) || example.includes(` ${verb.name}`))).toBe(true);
  });
});
