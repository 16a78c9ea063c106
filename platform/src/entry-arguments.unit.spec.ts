import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entryArguments } from './entry-arguments';

const ENTRY = join(__dirname, 'embedded', 'main.ts');

describe('entryArguments: how a process of the platform is spawned', () => {
  it('runs the entry through the compiled runner by default', () => {
    const [runner, entry, ...rest] = entryArguments(ENTRY, {});

    expect(runner).toBe(join(__dirname, '..', 'bin', 'run-compiled.mjs'));
    expect(existsSync(runner!)).toBe(true);
    expect([entry, ...rest]).toEqual([ENTRY]);
  });

  it('runs the source through tsx, named by its file, with SLUICE_FROM_SOURCE=1 (and only with 1)', () => {
    const [flag, tsx, entry] = entryArguments(ENTRY, { SLUICE_FROM_SOURCE: '1' });

    expect(flag).toBe('--import');
    expect(existsSync(fileURLToPath(tsx!))).toBe(true);
    expect(fileURLToPath(tsx!)).toContain(join('node_modules', 'tsx'));
    expect(entry).toBe(ENTRY);
    expect(entryArguments(ENTRY, { SLUICE_FROM_SOURCE: '0' })[0]).toMatch(/run-compiled\.mjs$/);
  });
});
