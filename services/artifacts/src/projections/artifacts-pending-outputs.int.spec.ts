import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { openFilesystemArtifactStore, type FilesystemArtifactStore } from '@sluice/artifact-store';
import { createPostgresEventStore, type PostgresEventStore } from '@sluice/eventing';
import { dropTestSchema, eventually, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { OutputRecorder } from '../application/record-outputs';
import type { PendingRecord } from './artifacts-read-model';
import { ArtifactsProjection } from './artifacts-projection';

// An output an execution produced is a row of the transaction that folded its event (decision 0065): if the process
// stops before the recorder appended its ArtifactRecorded (a crash, a kill), the next start hands it over, once.
const schema = newTestSchema('artifacts_pending');
let store: PostgresEventStore;
let bytes: FilesystemArtifactStore;
let root: string;

beforeAll(async () => {
  store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  root = await mkdtemp(join(tmpdir(), 'sluice-pending-'));
  bytes = await openFilesystemArtifactStore({ root, fsync: false });
});
afterAll(async () => {
  await store.close();
  await dropTestSchema(schema);
  await rm(root, { recursive: true, force: true });
});

describe('outputs to record across a stop', () => {
  it('hands over at the next start the outputs a stopped process never recorded, and they are recorded once', async () => {
    const stored = await bytes.put(Readable.from([Buffer.from('the build output')]));
    const executionId = randomUUID();
    const metadata = { account: 'acme', actor: 'system' };
    await store.append(`execution-${executionId}`, [
      { type: 'PipelineExecutionStarted', data: { executionId, startedAt: '2026-12-07T10:00:00.000Z', startedBy: 'alice', inputs: { pipeline: { account: 'acme', name: 'web' }, sourceRevisions: [], scope: { kind: 'AllStages' } } }, metadata },
    ]);

    // The first process folds the success and is told its output, then stops before recording it (its recorder is gone).
    const handed: PendingRecord[] = [];
    const first = new ArtifactsProjection(store, { onOutputs: (outputs) => handed.push(...outputs) });
    await first.start();
    const { position } = await store.append(`execution-${executionId}`, [
      {
        type: 'ActionExecutionSucceeded',
        data: {
          stageName: 'Build',
          actionName: 'Compile',
          actionExecutionId: `${executionId}/Build/Compile/1`,
          outputArtifacts: [{ name: 'BuildOutput', location: stored.sha256, producedBy: { stageName: 'Build', actionName: 'Compile' } }],
          sourceRevision: null,
          finishedAt: '2026-12-07T10:01:00.000Z',
        },
        metadata,
      },
    ]);
    await first.waitForPosition(position);
    await eventually(async () => (handed.length === 1 ? true : undefined), 'the output handed to the first process', 5_000, 20);
    await first.stop();
    expect(await store.readStream(`artifact-${stored.sha256}`)).toEqual([]);

    // The next start reads nothing new, yet hands the output over: it is recorded, once.
    const logged: string[] = [];
    const recorder = new OutputRecorder(store, bytes, (line) => logged.push(line));
    const again: PendingRecord[] = [];
    const second = new ArtifactsProjection(store, { onOutputs: (outputs) => (again.push(...outputs), recorder.enqueue(outputs)) });
    await second.start();
    expect(second.eventsRead).toBe(0);
    expect(again).toEqual(handed);
    await recorder.idle();
    const recorded = await store.readStream(`artifact-${stored.sha256}`);
    expect(recorded.map((event) => event.type)).toEqual(['ArtifactRecorded']);
    await second.waitForPosition(recorded[0]!.position);
    expect(await second.model.pendingOutputs()).toEqual([]);
    expect((await second.model.recordsOf(executionId, 'acme')).map((record) => [record.name, record.size])).toEqual([['BuildOutput', stored.size]]);
    await second.stop();

    // A third start has nothing to hand over.
    const third: PendingRecord[] = [];
    const last = new ArtifactsProjection(store, { onOutputs: (outputs) => third.push(...outputs) });
    await last.start();
    expect(third).toEqual([]);
    await last.stop();
    expect(logged).toEqual([]);
  });
});
