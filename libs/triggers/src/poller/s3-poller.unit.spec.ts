import type { PipelineDeclaration } from '@sluice/domain';
import { InMemoryTriggerAuditLog } from '../audit/trigger-audit';
import type { TriggerablePipeline } from '../pipeline-catalog';
import type { TriggerCaller, TriggeredStartInput } from '../start-execution-port';
import { startS3Poller, type S3Poller, type S3PollerError } from './s3-poller';

const s3Source = (name: string, key: string, account = 'acme', configuration: Record<string, string> = {}): TriggerablePipeline => {
  const declaration = {
    name,
    stages: [
      { name: 'Source', actions: [{ name: 'Fetch', actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'S3', version: '1' }, runOrder: 1, configuration: { S3Bucket: 'drops', S3ObjectKey: key, ...configuration }, outputArtifacts: [{ name: 'src' }], inputArtifacts: [] }] },
    ],
  } as unknown as PipelineDeclaration;
  return { account, name, declaration };
};

describe('the S3 poller (in-process store and engine stand-ins)', () => {
  let poller: S3Poller | undefined;
  afterEach(async () => poller?.stop());

  function start(pipelines: TriggerablePipeline[], revisions: Map<string, string>, options: { failStart?: boolean; failRead?: boolean } = {}) {
    const starts: Array<{ caller: TriggerCaller; input: TriggeredStartInput }> = [];
    const errors: S3PollerError[] = [];
    const audit = new InMemoryTriggerAuditLog();
    poller = startS3Poller({
      pipelines: { listPipelines: async () => pipelines },
      start: async (caller, input) => {
        if (options.failStart) throw new Error('engine down');
        starts.push({ caller, input });
        return { pipelineExecutionId: `e${starts.length}` };
      },
      audit,
      revisionOf: async (bucket, key) => {
        if (options.failRead) throw new Error('store down');
        return revisions.get(`${bucket}/${key}`);
      },
      mayWatch: (account, bucket) => bucket === 'drops' && account !== 'initech',
      intervalMs: 3_600_000,
      onError: (error) => errors.push(error),
    });
    return { starts, errors, audit, poller };
  }

  it('remembers at first sight, then starts every pipeline watching a changed object once, pinned to its revision', async () => {
    const revisions = new Map([['drops/app.zip', 'etag-1']]);
    const { starts, audit, poller } = start([s3Source('shop', 'app.zip'), s3Source('docs', 'app.zip', 'globex'), s3Source('other', 'other.zip'), s3Source('manual', 'app.zip', 'acme', { PollForSourceChanges: 'false' }), s3Source('not-allowed', 'app.zip', 'initech')], revisions);
    await poller.pollOnce();
    expect(starts).toEqual([]);
    revisions.set('drops/app.zip', 'etag-2');
    await poller.pollOnce();
    await poller.pollOnce();
    expect(starts.map(({ caller, input }) => [caller.account, input.name, input.sourceRevisions, input.trigger])).toEqual([
      ['acme', 'shop', [{ actionName: 'Fetch', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: 'etag-2' }], { triggerType: 'PollForSourceChanges', triggerDetail: 's3://drops/app.zip etag-2' }],
      ['globex', 'docs', [{ actionName: 'Fetch', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: 'etag-2' }], { triggerType: 'PollForSourceChanges', triggerDetail: 's3://drops/app.zip etag-2' }],
    ]);
    expect(new Set(starts.map(({ input }) => input.clientRequestToken)).size).toBe(2);
    expect(audit.entries.filter((entry) => entry.kind === 'attempt')).toHaveLength(2);
  });

  it('does not start on an object that disappeared, and starts when it comes back', async () => {
    const revisions = new Map([['drops/app.zip', 'etag-1']]);
    const { starts, poller } = start([s3Source('shop', 'app.zip')], revisions);
    await poller.pollOnce();
    revisions.delete('drops/app.zip');
    await poller.pollOnce();
    expect(starts).toEqual([]);
    revisions.set('drops/app.zip', 'etag-3');
    await poller.pollOnce();
    expect(starts.map(({ input }) => input.sourceRevisions[0]!.revisionValue)).toEqual(['etag-3']);
  });

  it('reports a store it cannot read and a start that failed, and tries the start again at the next poll', async () => {
    const reading = start([s3Source('shop', 'app.zip')], new Map(), { failRead: true });
    await reading.poller.pollOnce();
    expect(reading.errors[0]).toMatchObject({ object: 's3://drops/app.zip', error: 'store down', consecutiveFailures: 1 });
    await reading.poller.stop();

    const revisions = new Map([['drops/app.zip', 'etag-1']]);
    const failing = start([s3Source('shop', 'app.zip')], revisions, { failStart: true });
    await failing.poller.pollOnce();
    revisions.set('drops/app.zip', 'etag-2');
    await failing.poller.pollOnce();
    await failing.poller.pollOnce();
    expect(failing.errors.map((error) => [error.pipelineName, error.error])).toEqual([
      ['shop', 'engine down'],
      ['shop', 'engine down'],
    ]);
  });
});
