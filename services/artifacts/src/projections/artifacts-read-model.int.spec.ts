import { createPostgresEventStore, ensureReadModel, readModelDatabaseOf, type PostgresEventStore, type ReadModelDatabase, type RecordedEvent } from '@sluice/eventing';
import { dropTestSchema, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { ArtifactsReadModel } from './artifacts-read-model';

// The read model's SQL fold (decision 0065) on PostgreSQL: each test folds its events into a schema of its own.
let store: PostgresEventStore;
let database: ReadModelDatabase;
const schemas: string[] = [];

afterAll(async () => {
  await store?.close();
  for (const schema of schemas) await dropTestSchema(schema);
});

/** A read model on fresh tables, and how to fold events into it (one transaction each call, as the runner does). */
async function freshModel(): Promise<{ model: ArtifactsReadModel; apply: (...events: RecordedEvent[]) => Promise<void> }> {
  const schema = newTestSchema('artifacts_model');
  schemas.push(schema);
  await store?.close();
  store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  database = readModelDatabaseOf(store)!;
  const model = new ArtifactsReadModel(database);
  await ensureReadModel(database, model);
  return { model, apply: (...events) => database.transaction(model.fold(events, schema)) };
}

const sha = (n: number): string => n.toString(16).padStart(64, '0');
let position = 0n;

function recorded(streamId: string, type: string, data: unknown, occurredAt = '2026-06-01T00:00:00.000Z'): RecordedEvent {
  position += 1n;
  return { id: `id-${position}`, type, streamId, revision: 0n, position, data, metadata: { correlationId: 'c', causationId: null, actor: 'system', account: 'acme', occurredAt } };
}

const started = (id: string) =>
  recorded(`execution-${id}`, 'PipelineExecutionStarted', {
    executionId: id,
    startedAt: '2026-06-01T00:00:00.000Z',
    startedBy: 'alice',
    inputs: { pipeline: { account: 'acme', name: 'web' }, sourceRevisions: [], scope: { kind: 'AllStages' } },
  });

const succeeded = (id: string, outputs: Array<[string, string]>, sourceRevision: unknown = null) =>
  recorded(`execution-${id}`, 'ActionExecutionSucceeded', {
    stageName: 'Build',
    actionName: 'Compile',
    actionExecutionId: `${id}/Build/Compile/1`,
    outputArtifacts: outputs.map(([name, location]) => ({ name, location, producedBy: { stageName: 'Build', actionName: 'Compile' } })),
    sourceRevision,
    finishedAt: '2026-06-01T00:01:00.000Z',
  });

describe('artifacts read model', () => {
  it('asks to record each output an execution produced, once, with the source revision it knows at that event', async () => {
    const { model, apply } = await freshModel();
    await apply(started('e1'));
    const revision = { actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionId: 'abc123', revisionSummary: 'fix', revisionUrl: null };
    const later = { ...revision, revisionId: 'def456' };
    // One transaction: the first output is pending with the revision its own event brought, not the later one's.
    const first = succeeded('e1', [['BuildOutput', sha(1)], ['Opaque', 'sha256:not-an-address']], revision);
    await apply(first, succeeded('e1', [['Other', sha(4)]], later));
    const pending = await model.pendingOutputs();
    expect(pending).toEqual([
      { sha256: sha(1), account: 'acme', name: 'BuildOutput', pipelineName: 'web', pipelineExecutionId: 'e1', stageName: 'Build', actionName: 'Compile', actionExecutionId: 'e1/Build/Compile/1', sourceRevision: revision, recordedAt: '2026-06-01T00:01:00.000Z' },
      expect.objectContaining({ sha256: sha(4), name: 'Other', sourceRevision: later }),
    ]);
    expect(await model.pendingOutputs(first.position - 1n, first.position)).toEqual([pending[0]]);
    await apply(recorded(`artifact-${sha(1)}`, 'ArtifactRecorded', { ...pending[0], size: 5, contentType: 'application/zip' }));
    expect(await model.hasRecorded('e1/Build/Compile/1', 'BuildOutput')).toBe(true);
    expect((await model.pendingOutputs()).map((output) => output.name)).toEqual(['Other']);
    await apply(succeeded('e1', [['BuildOutput', sha(1)]]));
    expect((await model.pendingOutputs()).map((output) => output.name)).toEqual(['Other']);
    expect((await model.recordsOf('e1', 'acme')).map((record) => record.name)).toEqual(['BuildOutput']);
    expect(await model.recordsOf('e1', 'other')).toEqual([]);
  });

  it('lets an account read only what it uploaded or recorded, until it releases it or retention collects it', async () => {
    const { model, apply } = await freshModel();
    const stream = `artifact-${sha(2)}`;
    await apply(recorded(stream, 'ArtifactUploaded', { sha256: sha(2), account: 'acme', size: 3, uploadedBy: 'alice', uploadedAt: '2026-06-01T00:00:00.000Z' }));
    expect(await model.isReadableBy(sha(2), 'acme')).toBe(true);
    expect(await model.isReadableBy(sha(2), 'globex')).toBe(false);
    await apply(recorded(stream, 'ArtifactUploaded', { sha256: sha(2), account: 'globex', size: 3, uploadedBy: 'bob', uploadedAt: '2026-06-01T00:00:00.000Z' }));
    await apply(recorded(stream, 'ArtifactReleased', { sha256: sha(2), account: 'acme', releasedBy: 'alice', releasedAt: '2026-06-02T00:00:00.000Z' }));
    expect([await model.isReadableBy(sha(2), 'acme'), await model.isReadableBy(sha(2), 'globex')]).toEqual([false, true]);
    expect([await model.readableBy('acme'), await model.readableBy('globex')]).toEqual([[], [sha(2)]]);
    await apply(recorded(stream, 'ArtifactCollected', { sha256: sha(2), size: 3, lastUsedAt: '2026-06-01T00:00:00.000Z', reason: 'x', collectedAt: '2026-08-01T00:00:00.000Z' }));
    expect(await model.isReadableBy(sha(2), 'globex')).toBe(false);
    expect(await model.artifact(sha(2))).toMatchObject({ generation: 1, collected: true, uploads: [], recordedFor: [], lastUsedAt: null });
    // Collected without any event before (the collector's decision on bytes it recorded as found elsewhere): one generation.
    await apply(recorded(`artifact-${sha(5)}`, 'ArtifactCollected', { sha256: sha(5), size: 1, lastUsedAt: '2026-06-01T00:00:00.000Z', reason: 'x', collectedAt: '2026-08-01T00:00:00.000Z' }));
    expect(await model.artifact(sha(5))).toMatchObject({ generation: 1, collected: true });
  });

  it('marks an execution finished and dates its artifacts' + "' last use by its end", async () => {
    const { model, apply } = await freshModel();
    await apply(started('e2'));
    await apply(succeeded('e2', [['Out', sha(3)]]));
    // Running, the execution keeps what it references whatever keepExecutions says.
    expect((await model.retentionOf([sha(3)], 0)).referencedByKept).toEqual(new Set([sha(3)]));
    await apply(recorded('execution-e2', 'PipelineExecutionSucceeded', { at: '2026-06-03T00:00:00.000Z' }, '2026-06-03T00:00:00.000Z'));
    const facts = await model.retentionOf([sha(3)], 0);
    expect(facts.referencedByKept).toEqual(new Set());
    expect(facts.everReferenced).toEqual(new Set([sha(3)]));
    expect(facts.artifacts.get(sha(3))).toEqual({ sha256: sha(3), size: null, lastUsedAt: '2026-06-03T00:00:00.000Z' });
    expect((await model.artifact(sha(3)))?.lastUsedAt).toBe('2026-06-03T00:00:00.000Z');
  });
});
