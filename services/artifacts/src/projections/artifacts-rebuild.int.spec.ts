import { Readable } from 'node:stream';
import type { PipelineDeclaration } from '@sluice/domain';
import { DurableRebuildable, SqlReadModelDatabase } from '@sluice/eventing';
import { isEqual, rebuiltSkipping } from '@sluice/eventing/testing';
import { dropTestSchema } from '@sluice/testing';
import { keptExecutionIds, type RetentionExecution } from '../domain/retention';
import { ArtifactBytes } from '../application/artifact-bytes';
import { ArtifactCollector } from '../application/collect-artifacts';
import { eventually, artifactsOnEngineForFile } from '../testing/artifacts-on-engine';
import { ArtifactsReadModel } from './artifacts-read-model';

// The artifacts service's projection rebuilt from the store into a fresh instance equals the live one after a
// history on real parts: executions run by the engine and the real worker (succeeded, failed, sharing bytes),
// outputs recorded, uploads and releases through ArtifactBytes, orphans found and artifacts collected by retention.
const DAY = 24 * 60 * 60 * 1000;
const alice = { account: 'acme', actor: 'alice' };
const bob = { account: 'globex', actor: 'bob' };

let now = new Date();
const clock = () => now;

const commands = (name: string, lines: string[], io: Pick<PipelineDeclaration['stages'][number]['actions'][number], 'inputArtifacts' | 'outputArtifacts'>) => ({
  name,
  actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' },
  runOrder: 1,
  commands: lines,
  ...io,
});

const pipeline: PipelineDeclaration = {
  name: 'web',
  variables: [
    { name: 'CONTENT', defaultValue: 'one' },
    { name: 'OUTCOME', defaultValue: 'ok' },
  ],
  stages: [
    { name: 'Build', actions: [commands('Compile', ['mkdir -p dist', 'echo "#{variables.CONTENT}" > dist/out.txt'], { outputArtifacts: [{ name: 'BuildOutput', files: ['dist/**'] }] })] },
    {
      name: 'Test',
      actions: [commands('Check', ['test "#{variables.OUTCOME}" = ok', 'mkdir -p report', 'cat dist/out.txt > report/r.txt'], { inputArtifacts: [{ name: 'BuildOutput' }], outputArtifacts: [{ name: 'Report', files: ['report/**'] }] })],
    },
  ],
} as PipelineDeclaration;

const approval = (name: string) => ({ name, actionTypeId: { category: 'Approval', owner: 'AWS', provider: 'Manual', version: '1' }, runOrder: 1 });

// Build, wait for an approval, test the build, wait again. An execution left at the second wait is running, and
// its input's last use is when Test started (after the first approval), later than when Build produced it.
const gated: PipelineDeclaration = {
  name: 'gated',
  stages: [
    { name: 'Build', actions: [commands('Compile', ['mkdir -p dist', 'echo gated > dist/out.txt'], { outputArtifacts: [{ name: 'BuildOutput', files: ['dist/**'] }] })] },
    { name: 'Gate', actions: [approval('Approve')] },
    { name: 'Test', actions: [commands('Check', ['cat dist/out.txt'], { inputArtifacts: [{ name: 'BuildOutput' }] })] },
    { name: 'Hold', actions: [approval('Release')] },
  ],
} as PipelineDeclaration;

const platform = artifactsOnEngineForFile('sluice-artifacts-rebuild-', [pipeline, gated]);

async function waitingApproval(stageIndex: number): Promise<string> {
  let token: string | null = null;
  await eventually(
    async () => (token = (await platform.engine.getPipelineState(alice, 'gated')).stageStates[stageIndex]?.actionStates[0]?.latestExecution?.token ?? null) !== null,
    () => `no approval waits in stage ${stageIndex} of gated`,
  );
  return token!;
}

async function run(content: string, outcome: 'ok' | 'fail', records: number): Promise<string> {
  const variables = [
    { name: 'CONTENT', value: content },
    { name: 'OUTCOME', value: outcome },
  ];
  return platform.run('web', variables, outcome === 'ok' ? 'Succeeded' : 'Failed', records);
}

const side = () => new SqlReadModelDatabase(platform.env.store.database, `${platform.env.store.schema}_rebuilt`);
afterAll(() => dropTestSchema(`${platform.env.store.schema}_rebuilt`));

/** The durable read model rebuilt from zero into a schema of its own (the live tables stay as they are): its contents. */
async function rebuilt(skipping?: string): Promise<unknown> {
  const database = side();
  const [copy] = await rebuiltSkipping(platform.env.store, [new DurableRebuildable(database, new ArtifactsReadModel(database))], skipping);
  return copy!.contents();
}

type Contents = { entries: Array<Record<string, string | null>>; executions: Array<Record<string, string | null>>; references: Array<Record<string, string>> };


describe('rebuilding the artifacts service’s projection', () => {
  it('rebuilds the read model from the store equal to the live one, and misses any event type skipped', async () => {
    await run('one', 'ok', 2);
    await run('two', 'fail', 1);
    await run('one', 'ok', 2); // the first run's bytes again
    const { pipelineExecutionId: waiting } = await platform.engine.startPipelineExecution(alice, { name: 'gated' });
    const gate = await waitingApproval(1);
    await new Promise((resolve) => setTimeout(resolve, 5)); // Test starts at a later millisecond than Build ended
    await platform.engine.putApprovalResult(alice, { pipelineName: 'gated', stageName: 'Gate', actionName: 'Approve', token: gate, result: { status: 'Approved', summary: 'ok' } });
    await waitingApproval(3);
    await eventually(async () => (await platform.projection.model.recordsOf(waiting, 'acme')).length === 1, () => `records of ${waiting}: ${platform.logged.join('\n')}`);

    const bytes = new ArtifactBytes(platform.env.store, platform.store, platform.projection, clock, 1024 * 1024);
    const shared = await bytes.upload(alice, Readable.from([Buffer.from('shared by two accounts')]), {});
    await bytes.upload(bob, Readable.from([Buffer.from('shared by two accounts')]), {});
    await bytes.release(bob, shared.sha256);
    const kept = await bytes.upload(bob, Readable.from([Buffer.from('kept by globex')]), {});
    await bytes.release(bob, kept.sha256);
    await bytes.upload(bob, Readable.from([Buffer.from('kept by globex')]), {}); // a new claim after a release
    await bytes.upload(alice, Readable.from([Buffer.from('uploaded, never used')]), {});
    await platform.store.put(Readable.from([Buffer.from('left behind by a failed job')]));

    // Retention: the orphan is found first, then everything old and unreferenced goes.
    const collector = new ArtifactCollector(platform.env.store, platform.store, platform.projection, { graceMs: 30 * DAY, keepExecutions: 1 }, clock, (line) => platform.logged.push(line));
    now = new Date(Date.now() + 29 * DAY);
    expect((await collector.collect({ dryRun: false })).found).toHaveLength(1);
    now = new Date(Date.now() + 31 * DAY);
    expect((await collector.collect({ dryRun: false })).artifacts.length).toBeGreaterThan(0);
    // After retention: a claim given up while another account keeps the bytes.
    const late = await bytes.upload(alice, Readable.from([Buffer.from('uploaded after retention')]), {});
    await bytes.upload(bob, Readable.from([Buffer.from('uploaded after retention')]), {});
    await bytes.release(bob, late.sha256);
    await platform.recorder.idle();
    const events = await platform.env.eventsOf('');
    await platform.projection.waitForPosition(events.at(-1)!.position);

    const live = platform.projection.model;
    const contents = (await live.contents()) as Contents;
    expect(await rebuilt()).toEqual(contents);
    expect(contents.executions.map((execution) => `${execution.pipeline_name} ${execution.running}`).sort()).toEqual(['gated true', 'web false', 'web false', 'web false']);
    expect(contents.entries.some((entry) => entry.collected === 'true')).toBe(true);

    // Retention's rule in SQL (the kept executions' references) is the domain's rule over the same executions.
    const executions: RetentionExecution[] = contents.executions.map((execution) => ({
      id: execution.id!,
      pipelineKey: execution.pipeline_key!,
      startedAt: execution.started_at!,
      running: execution.running === 'true',
      references: new Set(contents.references.filter((reference) => reference.execution_id === execution.id).map((reference) => reference.sha256!)),
    }));
    const addresses = contents.entries.map((entry) => entry.sha256!);
    for (const keep of [0, 1, 2, 5]) {
      const kept = keptExecutionIds(executions, keep);
      const expected = new Set(executions.filter((execution) => kept.has(execution.id)).flatMap((execution) => [...execution.references]));
      expect({ keep, referenced: (await live.retentionOf(addresses, keep)).referencedByKept }).toEqual({ keep, referenced: expected });
    }

    // Every event type the fold reads matters: a rebuild blind to any one of them differs from the live one.
    const folded = ['PipelineExecutionStarted', 'ActionExecutionStarted', 'ActionExecutionSucceeded', 'PipelineExecutionSucceeded', 'PipelineExecutionFailed'].concat(
      ['ArtifactUploaded', 'ArtifactRecorded', 'ArtifactReleased', 'ArtifactFound', 'ArtifactCollected'],
    );
    const present = new Set(events.filter((event) => live.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))).map((event) => event.type));
    expect(folded.filter((type) => !present.has(type))).toEqual([]);
    for (const type of folded) {
      expect({ type, equal: isEqual(await rebuilt(type), contents) }).toEqual({ type, equal: false });
    }
  });
});
