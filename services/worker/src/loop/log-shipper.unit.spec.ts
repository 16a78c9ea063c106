import { ConflictError } from '@sluice/domain';
import { JobApiUnavailableError } from '../job-api/graphql-job-api';
import type { JobLogEntry } from '../job-api/job-api';
import { DEFAULT_LOG_SHIPPING, JobLogShipper, type LogShippingOptions } from './log-shipper';
import type { WorkerEvent } from './worker-events';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An `appendJobLogs` that records each call, and answers as `answer` says (the default stores it). */
function recordingApi(answer: (call: number) => Promise<void> = async () => undefined) {
  const calls: Array<{ at: number; entries: JobLogEntry[] }> = [];
  const stored: JobLogEntry[] = [];
  let count = 0;
  return {
    calls,
    stored,
    api: {
      async appendJobLogs(_jobId: string, _nonce: string, entries: JobLogEntry[]) {
        calls.push({ at: Date.now(), entries });
        await answer(count++);
        stored.push(...entries);
      },
    },
  };
}

function shipper(api: ReturnType<typeof recordingApi>['api'], options: Partial<LogShippingOptions> = {}) {
  const events: WorkerEvent[] = [];
  const logs = new JobLogShipper(api, 'job-1', 'n-1', { ...DEFAULT_LOG_SHIPPING, ...options }, (event) => events.push(event));
  return { logs, events };
}

describe('JobLogShipper', () => {
  it('sends a small batch once the interval passed, not before', async () => {
    const { api, calls } = recordingApi();
    const { logs } = shipper(api, { flushIntervalMs: 100 });
    const written = Date.now();
    logs.write('stdout', 'line-1\n');
    logs.write('stderr', 'line-2\n');
    await sleep(40);
    expect(calls).toHaveLength(0);
    await sleep(120);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.at - written).toBeGreaterThanOrEqual(95);
    expect(calls[0]!.entries.map((entry) => [entry.sequence, entry.stream, entry.chunk])).toEqual([
      [0, 'stdout', 'line-1\n'],
      [1, 'stderr', 'line-2\n'],
    ]);
    await logs.close();
  });

  it('sends what waits at once on flush (the output is complete), and close() then only waits for it', async () => {
    const { api, calls, stored } = recordingApi(async () => void (await sleep(30)));
    const { logs } = shipper(api, { flushIntervalMs: 10_000 });
    logs.flush();
    expect(calls).toHaveLength(0);
    logs.write('stdout', 'last line\n');
    logs.flush();
    expect(calls).toHaveLength(1);
    await logs.close();
    expect(calls).toHaveLength(1);
    expect(stored.map((entry) => entry.chunk)).toEqual(['last line\n']);
  });

  it('sends at once when 32 KiB wait, in batches of at most that', async () => {
    const { api, calls } = recordingApi();
    const { logs } = shipper(api, { flushIntervalMs: 10_000 });
    for (let i = 0; i < 40; i += 1) logs.write('stdout', `${String(i).padStart(2, '0')}${'x'.repeat(1022)}`);
    await sleep(20);
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const call of calls) expect(call.entries.reduce((sum, entry) => sum + entry.chunk.length, 0)).toBeLessThanOrEqual(32 * 1024);
    await logs.close();
    expect(calls.flatMap((call) => call.entries.map((entry) => entry.sequence))).toEqual([...Array(40).keys()]);
  });

  it('delivers the rest on close, before it resolves (so before the result is reported)', async () => {
    const { api, stored } = recordingApi();
    const { logs } = shipper(api, { flushIntervalMs: 10_000 });
    logs.write('stdout', 'the last line\n');
    await logs.close();
    expect(stored.map((entry) => entry.chunk)).toEqual(['the last line\n']);
    logs.write('stdout', 'after the end\n');
    await sleep(20);
    expect(stored).toHaveLength(1);
  });

  it('retries a batch the service could not take, with the same sequences, in order', async () => {
    const { api, calls, stored } = recordingApi(async (call) => {
      if (call < 2) throw new JobApiUnavailableError('connect ECONNREFUSED');
    });
    const { logs } = shipper(api, { flushIntervalMs: 5, retryInitialDelayMs: 10 });
    logs.write('stdout', 'a\n');
    await sleep(15);
    logs.write('stdout', 'b\n');
    await logs.close();
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls[0]!.entries).toEqual(calls[1]!.entries);
    expect(stored.map((entry) => [entry.sequence, entry.chunk])).toEqual([
      [0, 'a\n'],
      [1, 'b\n'],
    ]);
  });

  it('drops output past its buffer while the service hangs, and stores one counted notice', async () => {
    let release: () => void = () => undefined;
    const hanging = new Promise<void>((resolve) => (release = resolve));
    const { api, stored } = recordingApi((call) => (call === 0 ? hanging : Promise.resolve()));
    const { logs, events } = shipper(api, { flushIntervalMs: 1, flushBytes: 1024, maxBufferedBytes: 4 * 1024 });
    logs.write('stdout', 'first\n');
    await sleep(10);
    const started = Date.now();
    for (let i = 0; i < 100; i += 1) logs.write('stdout', 'y'.repeat(200));
    expect(Date.now() - started).toBeLessThan(100);
    release();
    await logs.close();
    const notices = stored.filter((entry) => entry.stream === 'system');
    expect(notices).toHaveLength(1);
    const dropped = Number(/(\d+) log chunks were dropped/.exec(notices[0]!.chunk)?.[1]);
    expect(stored.filter((entry) => entry.stream === 'stdout').length - 1 + dropped).toBe(100);
    expect(events).toContainEqual(expect.objectContaining({ type: 'LogsDropped', chunks: dropped }));
    expect(stored.map((entry) => entry.sequence)).toEqual([...Array(stored.length).keys()]);
  });

  it('stops at a refusal: the job is not ours any more', async () => {
    const { api, calls } = recordingApi(async () => {
      throw new ConflictError('not held');
    });
    const { logs, events } = shipper(api, { flushIntervalMs: 1 });
    logs.write('stdout', 'a\n');
    await sleep(20);
    logs.write('stdout', 'b\n');
    await logs.close();
    expect(calls).toHaveLength(1);
    expect(events).toContainEqual(expect.objectContaining({ type: 'LogsDropped', chunks: 1 }));
  });

  it('gives up on close after its timeout when the service stays away', async () => {
    const { api, stored } = recordingApi(async () => {
      throw new JobApiUnavailableError('down');
    });
    const { logs, events } = shipper(api, { flushIntervalMs: 10_000, retryInitialDelayMs: 20, retryMaxDelayMs: 50, closeTimeoutMs: 300 });
    logs.write('stdout', 'a\n');
    const closing = Date.now();
    await logs.close();
    expect(Date.now() - closing).toBeLessThan(1_000);
    expect(stored).toEqual([]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'LogsDropped', chunks: 1 }));
  });

  it('splits a chunk longer than the service takes into pieces, keeping surrogate pairs whole', async () => {
    const { api, stored } = recordingApi();
    const { logs } = shipper(api, { flushIntervalMs: 1 });
    const long = `${'z'.repeat(16 * 1024 - 1)}😀${'w'.repeat(20_000)}`;
    logs.write('stdout', long);
    await logs.close();
    expect(stored.length).toBeGreaterThan(1);
    for (const entry of stored) expect(Buffer.byteLength(entry.chunk)).toBeLessThanOrEqual(64 * 1024);
    expect(stored.map((entry) => entry.chunk).join('')).toBe(long);
    expect(stored[0]!.chunk.endsWith('z')).toBe(true);
  });
});
