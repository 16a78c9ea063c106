import type { RecordedEvent } from '@sluice/eventing';
import { type PipelineEvent, pipelineStreamId } from '@sluice/contracts';
import { sourceBuildDeployPipeline } from '@sluice/testing/fixtures';
import { InvalidCursorError, PipelineReadModel } from './pipeline-read-model';

let position = 0n;
function recorded(account: string, event: PipelineEvent): RecordedEvent {
  position += 1n;
  const metadata = { correlationId: 'c', causationId: null, actor: 'alice', account, occurredAt: '2026-01-01T00:00:00.000Z' };
  return { id: `e${position}`, type: event.type, data: event.data, streamId: pipelineStreamId(account, event.data.name), revision: 0n, position, metadata };
}
const created = (name: string): PipelineEvent => ({
  type: 'PipelineCreated',
  data: { name, version: 1, declaration: { ...sourceBuildDeployPipeline(name), version: 1 } as never, tags: [], created: '2026-01-01T00:00:00.000Z', createdBy: 'alice' },
});

describe('pipeline read model', () => {
  it('pages in name order with cursors, per account', () => {
    const model = new PipelineReadModel();
    for (const name of ['c', 'a.dotted', 'b', 'a']) model.apply(recorded('acme', created(name)));
    model.apply(recorded('other', created('zzz')));
    const first = model.listPipelines('acme', 2);
    expect(first.edges.map((e) => e.pipeline.name)).toEqual(['a', 'a.dotted']);
    expect(first.hasNextPage).toBe(true);
    const second = model.listPipelines('acme', 2, first.endCursor!);
    expect(second.edges.map((e) => e.pipeline.name)).toEqual(['b', 'c']);
    expect(second.hasNextPage).toBe(false);
    expect(model.listPipelines('acme', 2, second.endCursor!)).toEqual({ edges: [], endCursor: null, hasNextPage: false });
  });

  it('refuses a cursor it did not make', () => {
    expect(() => new PipelineReadModel().listPipelines('acme', 2, 'bm9wZQ')).toThrow(InvalidCursorError);
  });

  it('ignores events of other streams', () => {
    const model = new PipelineReadModel();
    model.apply({ ...recorded('acme', created('x')), streamId: 'execution-1' });
    expect(model.listPipelines('acme', 10).edges).toEqual([]);
  });
});
