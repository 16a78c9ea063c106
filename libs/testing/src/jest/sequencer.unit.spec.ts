import { join } from 'node:path';

// The sequencer is plain CommonJS (jest loads it before any transform).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const LongestFirst = require('./sequencer.cjs') as new (options: unknown) => {
  durations: Record<string, number>;
  medians: Record<string, number>;
  _cache: Map<unknown, Record<string, [number, number]>>;
  sort(tests: FakeTest[]): FakeTest[];
};

type FakeTest = { path: string; context: { config: { cache: boolean }; hasteFS: { getSize(path: string): number } } };

const ROOT = join(__dirname, '../../../..');
const context = { config: { cache: false }, hasteFS: { getSize: (path: string) => path.length } };
const test = (path: string): FakeTest => ({ path: join(ROOT, path), context });
const order = (sequencer: InstanceType<typeof LongestFirst>, paths: string[]) => sequencer.sort(paths.map(test)).map((t) => t.path.slice(ROOT.length + 1));

describe('the suites’ order', () => {
  const recorded = { 'a/long.e2e.spec.ts': 90, 'a/short.e2e.spec.ts': 10, 'a/mid.e2e.spec.ts': 30, 'b/x.int.spec.ts': 8, 'b/y.unit.spec.ts': 0.5 };
  const withDurations = (durations: Record<string, number>) => {
    const sequencer = new LongestFirst({ contexts: [], globalConfig: {} });
    sequencer.durations = durations;
    sequencer.medians = { e2e: 30, int: 8, unit: 0.5 };
    return sequencer;
  };

  it('is longest first by the recorded durations, and a new suite counts as the median of its level', () => {
    expect(order(withDurations(recorded), ['b/y.unit.spec.ts', 'a/short.e2e.spec.ts', 'new/z.int.spec.ts', 'a/long.e2e.spec.ts', 'new/w.e2e.spec.ts', 'b/x.int.spec.ts'])).toEqual([
      'a/long.e2e.spec.ts',
      'new/w.e2e.spec.ts',
      'a/short.e2e.spec.ts',
      expect.stringMatching(/^(new\/z|b\/x)\.int\.spec\.ts$/),
      expect.stringMatching(/^(new\/z|b\/x)\.int\.spec\.ts$/),
      'b/y.unit.spec.ts',
    ]);
  });

  it('takes this machine’s own last run before the recorded one, and its failed suites first', () => {
    const sequencer = withDurations(recorded);
    sequencer._cache.set(context, { [join(ROOT, 'a/short.e2e.spec.ts')]: [1, 120_000], [join(ROOT, 'b/y.unit.spec.ts')]: [0, 100] });
    expect(order(sequencer, ['a/long.e2e.spec.ts', 'b/y.unit.spec.ts', 'a/short.e2e.spec.ts'])).toEqual(['b/y.unit.spec.ts', 'a/short.e2e.spec.ts', 'a/long.e2e.spec.ts']);
  });

  it('reads the median of each level from the recorded durations', () => {
    const sequencer = new LongestFirst({ contexts: [], globalConfig: {} });
    // Whatever durations.json holds, its medians are durations of its own suites.
    for (const [level, median] of Object.entries(sequencer.medians)) {
      expect(Object.entries(sequencer.durations).some(([path, seconds]) => path.includes(`.${level}.`) && seconds === median)).toBe(true);
    }
  });
});
