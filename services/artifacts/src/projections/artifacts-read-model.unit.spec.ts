import type { RecordedEvent } from '@sluice/eventing';
import { ArtifactsReadModel } from './artifacts-read-model';

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
  it('asks to record each output an execution produced, once, with the source revision it knows', () => {
    const model = new ArtifactsReadModel();
    model.apply(started('e1'));
    const revision = { actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionId: 'abc123', revisionSummary: 'fix', revisionUrl: null };
    const pending = model.fold(succeeded('e1', [['BuildOutput', sha(1)], ['Opaque', 'sha256:not-an-address']], revision));
    expect(pending).toEqual([
      expect.objectContaining({ sha256: sha(1), account: 'acme', name: 'BuildOutput', pipelineName: 'web', pipelineExecutionId: 'e1', sourceRevision: revision }),
    ]);
    model.apply(recorded(`artifact-${sha(1)}`, 'ArtifactRecorded', { ...pending[0], size: 5, contentType: 'application/zip' }));
    expect(model.hasRecorded('e1/Build/Compile/1', 'BuildOutput')).toBe(true);
    expect(model.fold(succeeded('e1', [['BuildOutput', sha(1)]]))).toEqual([]);
    expect(model.recordsOf('e1', 'acme').map((record) => record.name)).toEqual(['BuildOutput']);
    expect(model.recordsOf('e1', 'other')).toEqual([]);
  });

  it('lets an account read only what it uploaded or recorded, until it releases it or retention collects it', () => {
    const model = new ArtifactsReadModel();
    const stream = `artifact-${sha(2)}`;
    model.apply(recorded(stream, 'ArtifactUploaded', { sha256: sha(2), account: 'acme', size: 3, uploadedBy: 'alice', uploadedAt: '2026-06-01T00:00:00.000Z' }));
    expect(model.isReadableBy(sha(2), 'acme')).toBe(true);
    expect(model.isReadableBy(sha(2), 'globex')).toBe(false);
    model.apply(recorded(stream, 'ArtifactUploaded', { sha256: sha(2), account: 'globex', size: 3, uploadedBy: 'bob', uploadedAt: '2026-06-01T00:00:00.000Z' }));
    model.apply(recorded(stream, 'ArtifactReleased', { sha256: sha(2), account: 'acme', releasedBy: 'alice', releasedAt: '2026-06-02T00:00:00.000Z' }));
    expect([model.isReadableBy(sha(2), 'acme'), model.isReadableBy(sha(2), 'globex')]).toEqual([false, true]);
    model.apply(recorded(stream, 'ArtifactCollected', { sha256: sha(2), size: 3, lastUsedAt: '2026-06-01T00:00:00.000Z', reason: 'x', collectedAt: '2026-08-01T00:00:00.000Z' }));
    expect(model.isReadableBy(sha(2), 'globex')).toBe(false);
    expect(model.artifact(sha(2))).toMatchObject({ generation: 1, collected: true });
  });

  it('marks an execution finished and dates its artifacts' + "' last use by its end", () => {
    const model = new ArtifactsReadModel();
    model.apply(started('e2'));
    model.apply(succeeded('e2', [['Out', sha(3)]]));
    expect([...model.executions].map((execution) => execution.running)).toEqual([true]);
    model.apply(recorded('execution-e2', 'PipelineExecutionSucceeded', { at: '2026-06-03T00:00:00.000Z' }, '2026-06-03T00:00:00.000Z'));
    expect([...model.executions].map((execution) => execution.running)).toEqual([false]);
    expect(model.artifact(sha(3))?.lastUsedAt).toBe('2026-06-03T00:00:00.000Z');
  });
});
