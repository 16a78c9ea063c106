/**
 * Log page latency (issue 20, docs/decisions/0049): `npx tsx bench/logs/page-latency.ts`. One action writes
 * SLUICE_BENCH_LOG_LINES lines (default 100,000; the figure is 1,000,000) through the engine's appendJobLogs,
 * 1,000 lines per call as a busy worker ships them, on a throw-away PostgreSQL schema and a log folder. Then
 * `actionLogs(first: 100)` is timed from a cursor at line 1 and from one at line N - 100 (median of
 * SLUICE_BENCH_LOG_PAGES, default 30, alternating), and the ratio printed: the issue asks ≤ 1.5. The first page at
 * each end reads its chunk from the folder (printed apart); later ones find it in the reader's cache.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFilesystemArtifactStore } from '@sluice/artifact-store';
import { InMemoryCheckpointStore } from '@sluice/eventing';
import { InProcessBus, startEventRelay } from '@sluice/messaging';
import type { ActionTypeId } from '@sluice/domain';
import { actionLogStreamId } from '@sluice/contracts';
import { createExecutionsEngine } from '../../services/executions/src/executions-service';
import { pipeline, stage } from '../../services/executions/src/domain/testing/fixtures';
import { PipelinePublisher } from '../../services/executions/src/testing/pipeline-publisher';
import { median, throwAwayPostgresStore } from '../eventing/bench-kit';

const LINES = Number(process.env.SLUICE_BENCH_LOG_LINES ?? 100_000);
const PAGES = Number(process.env.SLUICE_BENCH_LOG_PAGES ?? 30);
const PER_CALL = 1_000;
const caller = { account: 'acme', actor: 'bench' };
const printer: ActionTypeId = { category: 'Test', owner: 'Custom', provider: 'Printer', version: '1' };

async function main(): Promise<void> {
  const { store, dispose } = await throwAwayPostgresStore();
  const logsDir = await mkdtemp(join(tmpdir(), 'sluice-bench-logs-'));
  const bus = new InProcessBus();
  const relay = await startEventRelay({ store, checkpoints: new InMemoryCheckpointStore(), bus, subscriberId: 'bench-logs', streamPrefixes: ['pipeline-'] });
  const logStore = await openFilesystemArtifactStore({ root: logsDir, fsync: false });
  const writer = await createExecutionsEngine({ store, bus, actionLogStore: logStore, actionLogLimits: { actionBytes: Number.MAX_SAFE_INTEGER } });
  try {
    const declaration = pipeline([stage('Build', [{ name: 'Print', actionTypeId: printer, runOrder: 1 }])], { name: 'printer' });
    const version = await new PipelinePublisher(store).publish(declaration);
    await writer.pipelineCatalog.whenKnown({ account: 'acme', name: 'printer' }, version);
    const polling = writer.pollForJobs(printer, 1, { waitMs: 10_000 });
    const { pipelineExecutionId } = await writer.startPipelineExecution(caller, { name: 'printer' });
    const [job] = await polling;
    await writer.acknowledgeJob(job!.id, job!.nonce);
    const at = new Date().toISOString();
    const writing = process.hrtime.bigint();
    for (let from = 0; from < LINES; from += PER_CALL) {
      const entries = Array.from({ length: Math.min(PER_CALL, LINES - from) }, (_, index) => ({ sequence: from + index, stream: 'stdout' as const, chunk: `line ${from + index + 1} of the build, with some text after it\n`, at }));
      await writer.appendJobLogs(job!.id, job!.nonce, entries);
      if (from % 100_000 === 0 && from > 0) console.log(`  ${from} lines written`);
    }
    const writeSeconds = Number(process.hrtime.bigint() - writing) / 1e9;
    console.log(`wrote ${LINES} lines in ${writeSeconds.toFixed(1)} s (${Math.round(LINES / writeSeconds)} lines/s, ${PER_CALL} per call)`);

    // Cursors at line 1 and at line N - 100, as a client holds them (an entry's cursor is its event's position).
    const [first] = await store.readStream(actionLogStreamId(pipelineExecutionId), { from: 0n, maxCount: 1 });
    const [nearEnd] = await store.readStream(actionLogStreamId(pipelineExecutionId), { from: BigInt(LINES - 101), maxCount: 1 });
    const timed = async (after: string): Promise<number> => {
      const started = process.hrtime.bigint();
      const page = await writer.actionLogs(caller, pipelineExecutionId, { after, first: 100 });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (page.entries.length !== 100) throw new Error(`a page of ${page.entries.length} entries`);
      return ms;
    };
    const atStart: number[] = [];
    const atEnd: number[] = [];
    for (let round = 0; round < PAGES; round++) {
      atStart.push(await timed(first!.position.toString()));
      atEnd.push(await timed(nearEnd!.position.toString()));
    }
    const start = median(atStart);
    const end = median(atEnd);
    console.log(`first page (chunk read from the folder): at line 1 ${atStart[0]!.toFixed(2)} ms, at line ${LINES - 100} ${atEnd[0]!.toFixed(2)} ms`);
    console.log(`page of 100 at line 1: median ${start.toFixed(2)} ms; at line ${LINES - 100}: median ${end.toFixed(2)} ms; ratio ${(end / start).toFixed(2)} (issue: ≤ 1.5)`);
  } finally {
    await writer.stop();
    await relay.stop();
    await bus.close();
    await dispose();
    await rm(logsDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
