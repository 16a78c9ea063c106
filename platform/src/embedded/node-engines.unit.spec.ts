import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// `npm ci` on the Node.js README.md names must print no EBADENGINE warning: every locked package accepts it (issue 22).
const ROOT = join(__dirname, '../../..');

type Version = [number, number, number];
const parse = (text: string): { version: Version; parts: number } => {
  const numbers = text.replace(/^[v=]/, '').split('.').filter((part) => part !== '' && part !== 'x' && part !== '*').map(Number);
  return { version: [numbers[0] ?? 0, numbers[1] ?? 0, numbers[2] ?? 0], parts: numbers.length };
};
const compare = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Does `version` satisfy an npm `engines` range (the forms found in lockfiles: ^ ~ >= > <= < =, x, partial, a - b, ||)? */
export function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((alternative) => {
    const text = alternative.trim().replace(/([<>=^~]+)\s+/g, '$1');
    if (text === '' || text === '*' || text === 'x') return true;
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
    if (hyphen) return compare(version, parse(hyphen[1]!).version) >= 0 && compare(version, parse(hyphen[2]!).version) <= 0;
    return text.split(/\s+/).every((comparator) => {
      const [, operator = '', rest = ''] = /^([<>=^~]*)(.*)$/.exec(comparator)!;
      const { version: bound, parts } = parse(rest);
      const upper = (index: number): Version => (index === 0 ? [bound[0] + 1, 0, 0] : index === 1 ? [bound[0], bound[1] + 1, 0] : [bound[0], bound[1], bound[2] + 1]);
      switch (operator) {
        case '>=': return compare(version, bound) >= 0;
        case '>': return compare(version, bound) > 0;
        case '<=': return compare(version, bound) <= 0;
        case '<': return compare(version, bound) < 0;
        case '^': return compare(version, bound) >= 0 && compare(version, upper(bound[0] > 0 || parts === 1 ? 0 : bound[1] > 0 || parts === 2 ? 1 : 2)) < 0;
        case '~': return compare(version, bound) >= 0 && compare(version, upper(parts === 1 ? 0 : 1)) < 0;
        case '':
        case '=': return compare(version, bound) >= 0 && compare(version, upper(Math.max(0, Math.min(parts, 3) - 1))) < 0;
        default: throw new Error(`unknown range operator in ${JSON.stringify(range)}`);
      }
    });
  });
}

describe('the Node.js version README.md names', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const named = /Node\.js ≥ (\d+\.\d+)/.exec(readme)?.[1];

  it('reads ranges as npm does', () => {
    expect(satisfies([20, 19, 0], '>=20.19')).toBe(true);
    expect(satisfies([20, 19, 0], '>=22.15.0')).toBe(false);
    expect(satisfies([20, 19, 0], '^18.14.0 || ^20.0.0 || ^22.0.0 || >=24.0.0')).toBe(true);
    expect(satisfies([20, 19, 0], '20 || >=22')).toBe(true);
    expect(satisfies([20, 19, 0], '^20.20.0')).toBe(false);
    expect(satisfies([20, 19, 0], '>= 10')).toBe(true);
    expect(satisfies([20, 19, 0], '>=14.17 <21')).toBe(true);
  });

  it('is accepted by every package npm ci installs, and by package.json', () => {
    expect(named).toBeDefined();
    const version = parse(named!).version;
    const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(satisfies(version, packageJson.engines.node)).toBe(true);
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: unknown; version?: string }> };
    const refusing = Object.entries(lock.packages)
      .map(([path, entry]) => [path, typeof entry.engines === 'object' && entry.engines !== null ? (entry.engines as { node?: string }).node : undefined] as const)
      .filter(([, range]) => typeof range === 'string' && !satisfies(version, range))
      .map(([path, range]) => `${path}: node ${range}`);
    expect(refusing).toEqual([]);
  });
});
