import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { commandsStage, gitSourceStage, initGitRepository } from '@sluice/testing/fixtures';
import { startPlatformProcess, type PlatformProcess } from '../testing/platform-process';

// The embedded platform killed with SIGKILL while its in-process worker runs a job, then started again on the same
// data folder: the job its dead worker held goes out again at once (not after the 5-minute heartbeat lease), as
// attempt 2, and the action's log keeps both attempts' lines with the platform's note of why (decision 0027).
type Answer<T> = { data?: T | null; errors?: Array<{ message: string }> };
type LogEntry = { jobId: string; sequence: number; stream: string; chunk: string };

let root: string;
let platform: PlatformProcess | undefined;

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  const res = await fetch(`${platform!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${platform!.token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  return (await res.json()) as Answer<T>;
}

async function eventually<T>(attempt: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${platform?.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const LOGS = `query($id: ID!) { actionLogs(pipelineExecutionId: $id, stageName: "Build", actionName: "Work") { entries { jobId sequence stream chunk } } }`;
const logOf = async (executionId: string): Promise<LogEntry[]> => (await gql<{ actionLogs: { entries: LogEntry[] } }>(LOGS, { id: executionId })).data?.actionLogs.entries ?? [];
const text = (entries: LogEntry[]): string => entries.map((entry) => entry.chunk).join('');

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-worker-restart-')));
  initGitRepository(join(root, 'repo'), { 'README.md': 'restarted\n' });
});

afterAll(async () => {
  await platform?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('a job held by the in-process worker of a platform killed with SIGKILL', () => {
  it('goes out again within seconds of the restart, as attempt 2, and the log says why', async () => {
    const dataDir = join(root, 'data');
    const env = { SLUICE_POLL_INTERVAL_MS: '3600000' };
    platform = await startPlatformProcess(dataDir, env);
    const declaration = {
      name: 'restarted',
      stages: [
        gitSourceStage({ repositoryUrl: pathToFileURL(join(root, 'repo')).href, output: 'Src', configuration: { DetectChanges: 'false' } }),
        commandsStage('Build', ['echo "attempt started"', 'sleep 6', 'echo "attempt finished"'], { action: 'Work', inputs: 'Src' }),
      ],
    };
    expect((await gql('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: declaration })).errors).toBeUndefined();
    const executionId = await eventually(
      async () => (await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>('mutation { startPipelineExecution(name: "restarted") { pipelineExecutionId } }')).data?.startPipelineExecution.pipelineExecutionId,
      'the executions service to know the pipeline',
    );
    const before = await eventually(async () => {
      const entries = await logOf(executionId);
      return text(entries).includes('attempt started') ? entries : undefined;
    }, 'attempt 1 to start');

    process.kill(platform.pid, 'SIGKILL');
    await platform.stop();
    platform = await startPlatformProcess(dataDir, env);
    const ready = Date.now();

    const after = await eventually(async () => {
      const entries = await logOf(executionId);
      return (text(entries).match(/attempt started/g) ?? []).length === 2 ? entries : undefined;
    }, 'attempt 2 to start', 60_000);
    const handedOutMs = Date.now() - ready;
    console.log(`a job of the killed platform's worker started again ${handedOutMs} ms after the restart was ready`);
    // Within seconds: not after the 5 minutes a silent worker's heartbeat lease lasts.
    expect(handedOutMs).toBeLessThan(20_000);

    const jobId = before[0]!.jobId;
    expect(after.every((entry) => entry.jobId === jobId)).toBe(true);
    const note = after.find((entry) => entry.stream === 'system' && entry.chunk.includes('attempt 2'));
    expect(note?.chunk).toMatch(/^\[sluice\] attempt 2: the worker platform-worker:[0-9a-f]{12}:\S+ holding attempt 1 stopped \(the platform restarted\); the job was handed out again\.\n$/);
    // Attempt 1's lines stay, attempt 2's (from sequence 0 again) are kept beside them, after the note.
    expect(after.indexOf(note!)).toBeGreaterThan(after.findIndex((entry) => entry.chunk.includes('attempt started')));

    const status = await eventually(async () => {
      const answer = await gql<{ getPipelineExecution: { status: string } }>('query($id: ID!) { getPipelineExecution(pipelineName: "restarted", pipelineExecutionId: $id) { status } }', { id: executionId });
      const current = answer.data?.getPipelineExecution.status;
      return current && current !== 'InProgress' ? current : undefined;
    }, 'the execution to end', 60_000);
    expect(status).toBe('Succeeded');
    expect(text(await logOf(executionId))).toContain('attempt finished');
  }, 240_000);
});
