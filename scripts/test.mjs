// `npm test`: every test of the workspace, the one command of the README and of .ci/run.
// Installs what it lacks, checks PostgreSQL, type-checks, then runs jest once (unit, int, e2e;
// jest's globalSetup starts one real Kafka broker) and ends with a summary.
// Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' };
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env }).status ?? 1;
const step = (title) => console.log(`\n▶ ${title}`);
/** What npm start, the distributed mode and the suites run compiled (the builder skips one already fresh). */
const COMPILED_ENTRIES = [
  'platform/src/testing/platform-without-demo-main.ts',
  'platform/src/embedded/main.ts',
  'services/worker/src/providers/process/launcher-process-main.ts',
  'gateway/src/main.ts',
  ...['pipelines', 'executions', 'permissions', 'artifacts', 'triggers', 'worker'].map((service) => `services/${service}/src/main.ts`),
  'services/executions/src/testing/engine-process.ts',
];

step('dependencies');
ensureDeps();

step('PostgreSQL');
if (run('bash', ['infra/postgres/ensure.sh']) !== 0) process.exit(1);
console.log('PostgreSQL answers on 127.0.0.1:5432.');

step('tools the tests drive (Debian\'s Chromium, the AWS CLI, the job sandbox, HAProxy)');
for (const script of ['scripts/ensure-chromium.sh', 'scripts/ensure-awscli.sh', 'scripts/ensure-sandbox.sh', 'scripts/ensure-haproxy.sh']) {
  if (existsSync(join(root, script)) && run('bash', [script]) !== 0) process.exit(1);
}
console.log('chromium, aws, bwrap and haproxy are on the PATH.');

// Five checks that need no service, run two at a time (they are CPU-bound; the machine has two cores or more):
// the type-check of the TypeScript (tsc), of the dashboard's .svelte files (svelte-check, which fails on warnings,
// accessibility ones included), the dependency rule (no deep import, every workspace import declared, pure domain/
// folders, no package cycle: docs/decisions/0033), the dashboard's build, made once here before jest's workers run
// several browser suites at once, and the processes' compiled bundles. Each one's output is printed whole when it ends, so the outputs do not interleave.
step('type-check (tsc, svelte-check), the dependency rule, the dashboard\'s build (vite) and the processes\' bundles, two at a time');
const started = Date.now();
const checks = [
  { title: 'type errors: fix them before the tests run', cmd: 'npx', args: ['tsc', '-p', 'tsconfig.json'] },
  { title: 'type errors in the dashboard: fix them before the tests run', cmd: 'npx', args: ['svelte-check', '--workspace', 'web', '--tsconfig', join(root, 'web/tsconfig.json'), '--fail-on-warnings', '--output', 'human'] },
  { title: 'the dependency rule is broken: fix the imports above before the tests run', cmd: process.execPath, args: ['--import', 'tsx', 'libs/testing/src/dependency-rules/main.ts'] },
  { title: 'the dashboard does not build', cmd: process.execPath, args: ['scripts/build-web.mjs'] },
  // The entries the suites start as processes, compiled once here (decision 0058) rather than by the first suites
  // that start them, each waiting on the others' build inside its own start-up timeout.
  { title: 'the platform\'s processes do not compile', cmd: process.execPath, args: ['platform/scripts/build.mjs', ...COMPILED_ENTRIES] },
];
const failedChecks = await runTwoAtATime(checks);
if (failedChecks.length > 0) {
  for (const check of failedChecks) console.error(`\n${check.title[0].toUpperCase()}${check.title.slice(1)}.`);
  console.error('0 passed, 1 failed');
  process.exit(1);
}
console.log(`types, dependency rule and dashboard build ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);

step('jest (unit, int, e2e)');
const resultsDir = join(root, '.sluice', 'test-results');
mkdirSync(resultsDir, { recursive: true });
const resultsFile = join(resultsDir, 'jest.json');
rmSync(resultsFile, { force: true });
const jestArgs = ['jest', '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)];
// Jest runs one suite at a time on two cores by default (cores - 1). Most suites wait on processes they started (a
// platform, Kafka, Chromium, git), so two at a time take the whole run from ~17 to ~10 minutes here.
if (!process.argv.slice(2).some((arg) => /^(--maxWorkers|-w|-i$|--runInBand)/.test(arg))) jestArgs.push(`--maxWorkers=${Math.max(2, cpus().length - 1)}`);
if (env.CI) jestArgs.push('--ci');
const jestStatus = run('npx', jestArgs);

printSummary(resultsFile);
process.exit(jestStatus === 0 ? 0 : 1);

function printSummary(file) {
  let results;
  try {
    results = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    console.error('\nNo jest results were written (jest crashed before the end: see above).\n0 passed, 1 failed');
    return;
  }
  const byLevel = new Map();
  for (const suite of results.testResults) {
    const level = /\.(unit|int|e2e)\.spec\.ts$/.exec(suite.name)?.[1] ?? 'other';
    const counts = byLevel.get(level) ?? { passed: 0, failed: 0, skipped: 0, suites: 0 };
    counts.suites += 1;
    for (const t of suite.assertionResults) {
      if (t.status === 'passed') counts.passed += 1;
      else if (t.status === 'failed') counts.failed += 1;
      else counts.skipped += 1;
    }
    byLevel.set(level, counts);
  }
  const line = '─'.repeat(60);
  console.log(`\n${line}\nSluice test summary`);
  for (const [level, c] of byLevel) {
    console.log(`  ${level.padEnd(5)} ${String(c.suites).padStart(3)} suites  ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  }
  const failedSuites = results.testResults.filter((s) => s.status === 'failed');
  for (const s of failedSuites) {
    console.log(`  FAILED ${relative(root, s.name)}`);
    for (const t of s.assertionResults.filter((a) => a.status === 'failed')) console.log(`     ✗ ${t.fullName}`);
    if (s.assertionResults.length === 0 && s.message) console.log(`     ${s.message.split('\n').find((l) => l.trim()) ?? ''}`);
  }
  if (!process.env.SLUICE_TEST_ESDB) {
    console.log('  note: eventstoredb contract suite not run (SLUICE_TEST_ESDB is not set; see infra/docker-compose.yml)');
  }
  const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
  console.log(`${line}\n${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests + results.numTodoTests} skipped`);
}

/** Runs the checks two at a time, each with its output kept and printed when it ends; the checks that failed. */
async function runTwoAtATime(list) {
  const failed = [];
  const queue = [...list];
  const worker = async () => {
    for (let check = queue.shift(); check; check = queue.shift()) {
      const t0 = Date.now();
      const { code, output } = await new Promise((resolve) => {
        const child = spawn(check.cmd, check.args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let text = '';
        child.stdout.on('data', (chunk) => void (text += chunk));
        child.stderr.on('data', (chunk) => void (text += chunk));
        child.on('error', (error) => resolve({ code: 1, output: `${text}${error.message}\n` }));
        child.on('close', (status) => resolve({ code: status ?? 1, output: text }));
      });
      console.log(`${code === 0 ? '✔' : '✘'} ${[check.cmd === process.execPath ? 'node' : check.cmd, ...check.args].join(' ')} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      if (output.trim() !== '') console.log(output.trimEnd());
      if (code !== 0) failed.push(check);
    }
  };
  await Promise.all([worker(), worker()]);
  return failed;
}
