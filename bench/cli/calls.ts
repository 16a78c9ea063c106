/**
 * The `sluice` command as a user runs it: a process per call (cli/bin/sluice.mjs, the compiled CLI), measured from
 * spawn to exit, against `node -e 0` (Node's own start, the floor of any call) in the same run, interleaved.
 *
 *   npx tsx bench/cli/calls.ts
 *
 * Prints, with the load average before and after (issue 18's goals):
 *   - `sluice --version`, and `sluice list-pipelines` against a running platform (startPlatformProcess, as the e2e
 *     suites start it): p50 and p95 over SLUICE_BENCH_RUNS calls each (default 20; goal ≤ 0.4 s per call);
 *   - `sluice execute` of a definition the pipelines service refuses: p50 and p95 (goal ≤ 1 s, no stack trace);
 *   - `sluice execute` of docs/cli.md's two-stage pipeline (`--source`, a folder without git), SLUICE_BENCH_EXECUTES
 *     runs (default 5): p50 and each run (goal ≤ 3 s to its result), the exit code checked every time.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatformProcess } from '../../platform/src/testing/platform-process';
import { median, percentile } from '../eventing/bench-kit';

const RUNS = Number(process.env.SLUICE_BENCH_RUNS ?? 20);
const EXECUTES = Number(process.env.SLUICE_BENCH_EXECUTES ?? 5);
const BIN = join(__dirname, '../../cli/bin/sluice.mjs');

interface Ran {
  ms: number;
  code: number | null;
  stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ ms: performance.now() - started, code, stderr }));
  });
}

const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
const line = (label: string, samples: number[], goal: string) =>
  console.log(`  ${label.padEnd(44)} p50 ${median(samples).toFixed(0).padStart(5)} ms   p95 ${percentile(samples, 95).toFixed(0).padStart(5)} ms   (${samples.length} calls; ${goal})`);

function expectCode(ran: Ran, code: number, what: string): void {
  if (ran.code !== code) throw new Error(`${what} exited ${ran.code}, expected ${code}: ${ran.stderr}`);
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'sluice-bench-cli-'));
  const env = { ...process.env, SLUICE_PROFILE: '', HOME: root };
  console.log(`bench/cli/calls.ts: ${RUNS} calls each, ${EXECUTES} executes; load average before ${load()}`);
  const platform = await startPlatformProcess(join(root, 'data'), { SLUICE_POLL_INTERVAL_MS: '3600000' });
  try {
    const withPlatform = { ...env, SLUICE_ENDPOINT_URL: platform.url, SLUICE_TOKEN: platform.token };
    const bad = join(root, 'one-stage.json');
    writeFileSync(bad, JSON.stringify({ name: 'one', stages: [{ name: 'Build', actions: [{ name: 'Compile', actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' }, configuration: { Commands: 'true' } }] }] }));
    // One warm-up of each (the CLI's build when stale, the file cache), then the samples, interleaved.
    await run(['-e', '0'], env, root);
    await run([BIN, '--version'], env, root);
    await run([BIN, 'list-pipelines'], withPlatform, root);
    const node: number[] = [];
    const version: number[] = [];
    const list: number[] = [];
    const refused: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      node.push((await run(['-e', '0'], env, root)).ms);
      const v = await run([BIN, '--version'], env, root);
      expectCode(v, 0, 'sluice --version');
      version.push(v.ms);
      const l = await run([BIN, 'list-pipelines'], withPlatform, root);
      expectCode(l, 0, 'sluice list-pipelines');
      list.push(l.ms);
      const r = await run([BIN, 'execute', bad], env, root);
      expectCode(r, 2, 'sluice execute of a refused definition');
      if (/\n\s+at /.test(r.stderr)) throw new Error(`a stack trace on a refused definition: ${r.stderr}`);
      refused.push(r.ms);
    }
    console.log(`\nPer call (spawn → exit), load average ${load()}:`);
    line('node -e 0 (baseline: Node alone)', node, 'the floor');
    line('sluice --version', version, 'goal ≤ 400 ms');
    line('sluice list-pipelines (a running platform)', list, 'goal ≤ 400 ms');
    line('sluice execute, a refused definition', refused, 'goal ≤ 1,000 ms');
  } finally {
    await platform.stop();
  }

  // docs/cli.md's minimal run: a folder without git, a Source and a Test stage.
  const folder = join(root, 'minimal');
  mkdirSync(join(folder, 'site'), { recursive: true });
  writeFileSync(join(folder, 'site/index.html'), '<h1>Hello</h1>\n');
  const git = { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' };
  const commands = { category: 'Test', owner: 'Sluice', provider: 'Commands', version: '1' };
  writeFileSync(
    join(folder, 'pipeline.json'),
    JSON.stringify({
      name: 'site',
      stages: [
        { name: 'Source', actions: [{ name: 'Files', actionTypeId: git, outputArtifacts: [{ name: 'Site' }] }] },
        { name: 'Test', actions: [{ name: 'Check', actionTypeId: commands, configuration: { Commands: 'grep -q Hello index.html && echo index.html says Hello' }, inputArtifacts: [{ name: 'Site' }] }] },
      ],
    }),
  );
  const executes: number[] = [];
  for (let i = 0; i < EXECUTES; i++) {
    const ran = await run([BIN, 'execute', 'pipeline.json', '--source', './site'], env, folder);
    expectCode(ran, 0, 'sluice execute of docs/cli.md\'s pipeline');
    executes.push(ran.ms);
  }
  console.log(`\nsluice execute of docs/cli.md's two-stage pipeline (--source), load average ${load()}:`);
  line('command → its result (exit 0)', executes, 'goal ≤ 3,000 ms');
  console.log(`  each run: ${executes.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`);
  console.log(`\nload average after ${load()}`);
  rmSync(root, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
