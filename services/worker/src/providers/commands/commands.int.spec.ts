import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILD_COMMANDS, TEST_COMMANDS } from '@sluice/domain';
import { walkEntries } from '../files/walk-entries';
import { ProviderFailure } from '../provider-failure';
import { processesMarked, processMarker } from '../testing/process-marker';
import { recordingIo, TestJobs } from '../testing/provider-job';
import { testSandbox } from '../../sandbox/testing/test-sandbox';
import { startLauncherProcess } from '../process/launcher-process';
import { directLauncher, type ProcessLauncher } from '../process/process-launcher';
import { commandsProvider } from './commands-provider';

async function filesUnder(root: string): Promise<string[]> {
  const files: string[] = [];
  await walkEntries(root, (entry) => {
    if (entry.kind !== 'directory') files.push(entry.path);
    return true;
  });
  return files;
}

async function failureOf(pending: Promise<unknown>): Promise<ProviderFailure> {
  const error = await pending.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ProviderFailure)) throw new Error(`expected a ProviderFailure, got ${String(error)}`);
  return error;
}

// Every case twice: processes spawned by this process, and by the launcher process the embedded platform uses.
const launcherProcess = startLauncherProcess();
afterAll(() => launcherProcess.close());

describe.each([
  ['spawned here', directLauncher],
  ['spawned by the launcher process', launcherProcess],
] as const)('Commands against real bash processes (%s)', (_how, launcher: ProcessLauncher) => {
  const jobs = new TestJobs();
  let provider: ReturnType<typeof commandsProvider>;
  beforeAll(async () => {
    provider = commandsProvider(BUILD_COMMANDS.id, { sandbox: await testSandbox(), killGraceMs: 300, launcher });
  });
  afterAll(() => jobs.cleanUp());

  it('runs in the primary input with the others at $SLUICE_INPUT_<NAME>, outputs by glob and exports variables', async () => {
    const source = await jobs.folder();
    const assets = await jobs.folder();
    await writeFile(join(source, 'app.txt'), 'app source\n');
    await writeFile(join(assets, 'logo.svg'), '<svg/>');
    process.env['SLUICE_WORKER_TEST_SECRET'] = 'worker-only';
    const io = recordingIo();
    const result = await provider.run(
      await jobs.job({
        configuration: {
          Commands: [
            'mkdir -p dist/js .cache',
            'cp app.txt dist/app.txt',
            'cp "$SLUICE_INPUT_ASSETS/logo.svg" dist/',
            'echo "console.log(1)" > dist/js/main.js',
            'echo scratch > .cache/tmp.txt',
            'echo "commit=$SourceVariables_CommitId greeting=$GREETING secret=${SLUICE_WORKER_TEST_SECRET:-none} pwd=$(basename "$PWD")"',
            'echo "VERSION=1.2.3" >> "$SLUICE_OUTPUT_VARIABLES"',
            'echo "URL=https://example.com/?a=b" >> "$SLUICE_OUTPUT_VARIABLES"',
            'export BUILD_ID="build-$SLUICE_JOB_ID"',
          ].join('\n'),
        },
        inputArtifacts: [
          { name: 'SourceOutput', directory: source },
          { name: 'assets', directory: assets },
        ],
        outputArtifacts: [{ name: 'Site', files: ['dist/**/*.js', 'dist/*.svg', 'dist/app.txt'] }, { name: 'Everything' }],
        outputVariables: ['BUILD_ID', 'NEVER_SET'],
        variables: { 'SourceVariables.CommitId': 'abc123' },
        environmentVariables: [{ name: 'GREETING', value: 'hello world' }],
      }),
      io,
    );
    delete process.env['SLUICE_WORKER_TEST_SECRET'];

    expect(io.text('stdout')).toContain(`commit=abc123 greeting=hello world secret=none pwd=${source.split('/').pop()}`);
    const [site, everything] = result.outputArtifacts;
    expect(site?.name).toBe('Site');
    expect(await filesUnder(site?.directory ?? '')).toEqual(['dist/app.txt', 'dist/js/main.js', 'dist/logo.svg']);
    expect(await readFile(join(site?.directory ?? '', 'dist/app.txt'), 'utf8')).toBe('app source\n');
    expect(await filesUnder(everything?.directory ?? '')).toEqual(['.cache/tmp.txt', 'app.txt', 'dist/app.txt', 'dist/js/main.js', 'dist/logo.svg']);
    expect(result.outputVariables).toEqual({ VERSION: '1.2.3', URL: 'https://example.com/?a=b', BUILD_ID: 'build-job-1' });
    expect(result.summary).toBe('9 commands succeeded');
  });

  it('takes the action\'s commands array when there is no Commands configuration, with no input at all', async () => {
    const result = await provider.run(await jobs.job({ commands: ['echo from-array > out.txt'], outputArtifacts: [{ name: 'Out' }] }), recordingIo());
    expect(await readFile(join(result.outputArtifacts[0]?.directory ?? '', 'out.txt'), 'utf8')).toBe('from-array\n');
  });

  it('fails with the exit code and the last lines of output; -e stops at the first failing command', async () => {
    const failure = await failureOf(provider.run(await jobs.job({ commands: ['echo compiling', 'echo "error: missing semicolon" >&2', 'exit 3', 'echo not-reached'] }), recordingIo()));
    expect(failure.kind).toBe('JobFailed');
    expect(failure.message).toMatch(/^Commands failed with exit code 3 after/);
    expect(failure.message).toContain('Last output:\ncompiling\nerror: missing semicolon');

    const errexit = await failureOf(provider.run(await jobs.job({ commands: ['false', 'echo not-reached'] }), recordingIo()));
    expect(errexit.message).toMatch(/exit code 1/);
    expect(errexit.message).not.toContain('not-reached');
  });

  it('fails when an output glob matches nothing', async () => {
    const failure = await failureOf(provider.run(await jobs.job({ commands: ['touch a.txt'], outputArtifacts: [{ name: 'Dist', files: ['dist/**'] }] }), recordingIo()));
    expect(failure.message).toBe('output artifact Dist: no file matches "dist/**"');
  });

  it('streams output as the process writes it, not at the end', async () => {
    const io = recordingIo();
    let finished = false;
    let seenWhileRunning = false;
    const log = io.log;
    io.log = (stream, chunk) => {
      if (chunk.includes('before the sleep')) seenWhileRunning = !finished;
      log(stream, chunk);
    };
    await provider.run(await jobs.job({ commands: ['echo "before the sleep"', 'sleep 1', 'echo "after the sleep"'] }), io);
    finished = true;
    const before = io.chunks.find((entry) => entry.chunk.includes('before the sleep'));
    const after = io.chunks.find((entry) => entry.chunk.includes('after the sleep'));
    expect(seenWhileRunning).toBe(true);
    expect(before).toBeDefined();
    expect((after?.at ?? 0) - (before?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it('kills the whole process tree on timeout, background grandchildren included', async () => {
    const marker = processMarker();
    const started = Date.now();
    const failure = await failureOf(
      provider.run(
        await jobs.job({
          timeoutMs: 1000,
          commands: [`(exec -a ${marker}-grandchild sleep 300) &`, `bash -c 'exec -a ${marker}-child sleep 300' &`, 'echo started', `exec -a ${marker}-shell sleep 300`],
        }),
        recordingIo(),
      ),
    );
    expect(failure.kind).toBe('TimedOut');
    expect(failure.message).toMatch(/^Commands timed out after 1\.0 s\nLast output:\nstarted/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await processesMarked(marker)).toEqual([]);
  });

  it('sends SIGKILL after the grace to processes that ignore SIGTERM, and reports a stop as Stopped', async () => {
    const marker = processMarker();
    const io = recordingIo();
    const pending = provider.run(await jobs.job({ commands: ["trap '' TERM", `(trap '' TERM; exec -a ${marker}-stubborn sleep 300) &`, 'echo ready', 'wait'] }), io);
    while (!io.text().includes('ready')) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await processesMarked(marker)).toHaveLength(1);
    io.controller.abort();
    const failure = await failureOf(pending);
    expect(failure.kind).toBe('Stopped');
    expect(await processesMarked(marker)).toEqual([]);
  });

  it('does not let background processes outlive a successful job', async () => {
    const marker = processMarker();
    const started = Date.now();
    // The background process is running when the job ends (waited for: the subshell execs in its own time).
    const running = `for i in $(seq 100); do pgrep -f ${marker} >/dev/null && break; sleep 0.05; done; pgrep -f ${marker} >/dev/null`;
    await provider.run(await jobs.job({ commands: [`(exec -a ${marker}-left-behind sleep 300) &`, running, 'echo done'] }), recordingIo());
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await processesMarked(marker)).toEqual([]);
  });

  it('picks up JUnit reports into the summary, and into the failure when tests fail', async () => {
    const testProvider = commandsProvider(TEST_COMMANDS.id, { sandbox: await testSandbox(), killGraceMs: 300, launcher });
    const source = await jobs.folder();
    await mkdir(join(source, 'reports'), { recursive: true });
    await mkdir(join(source, 'node_modules/dep'), { recursive: true });
    await writeFile(join(source, 'node_modules/dep/junit.xml'), '<testcase name="not ours"/>');
    const passing = `<testsuite><testcase classname="cart" name="adds"/><testcase classname="cart" name="removes"/></testsuite>`;
    const failing = `<testsuite><testcase classname="pay" name="charges"><failure message="declined"/></testcase></testsuite>`;
    await writeFile(join(source, 'passing.xml'), passing);
    await writeFile(join(source, 'failing.xml'), failing);
    const inputArtifacts = [{ name: 'Src', directory: source }];

    const ok = await testProvider.run(await jobs.job({ inputArtifacts, commands: ['cp passing.xml reports/junit-cart.xml'] }), recordingIo());
    expect(ok.summary).toBe('1 command succeeded. Tests: 2, 2 passed, 0 failed, 0 errors, 0 skipped (1 report)');

    const failure = await failureOf(testProvider.run(await jobs.job({ inputArtifacts, commands: ['cp failing.xml reports/TEST-pay.xml', 'exit 1'] }), recordingIo()));
    expect(failure.message).toContain('Tests: 3, 2 passed, 1 failed, 0 errors, 0 skipped (2 reports); failed: pay.charges');
  });

  it('refuses a job without commands', async () => {
    const failure = await failureOf(provider.run(await jobs.job({ configuration: { Commands: '  \n' } }), recordingIo()));
    expect(failure.kind).toBe('ConfigurationError');
  });
});
