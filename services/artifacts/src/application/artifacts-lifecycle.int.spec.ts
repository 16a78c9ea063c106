import { Readable } from 'node:stream';
import type { PipelineDeclaration } from '@sluice/domain';
import { commandsStage } from '@sluice/testing/fixtures';
import { ArtifactBytes } from './artifact-bytes';
import { ArtifactCollector } from './collect-artifacts';
import { OutputRecorder } from './record-outputs';
import { artifactsOnEngineForFile } from '../testing/artifacts-on-engine';
import type { ArtifactRecorded } from '@sluice/contracts';
import { ArtifactsProjection } from '../projections/artifacts-projection';

// Metadata and retention on real parts: executions run by the engine on PostgreSQL, jobs run by the real
// worker writing archives to a filesystem store, and the artifacts service's projection, recorder and collector.
const alice = { account: 'acme', actor: 'alice' };
const DAY = 24 * 60 * 60 * 1000;

let now = new Date();
const clock = () => now;

const build: PipelineDeclaration = {
  name: 'web',
  variables: [{ name: 'CONTENT', defaultValue: 'one' }],
  stages: [commandsStage('Build', ['mkdir -p dist', 'echo "#{variables.CONTENT}" > dist/out.txt'], { action: 'Compile', runOrder: 1, outputs: [{ name: 'BuildOutput', files: ['dist/**'] }] })],
};

const platform = artifactsOnEngineForFile('sluice-artifacts-lifecycle-', [build]);

const run = (content: string): Promise<string> => platform.run('web', [{ name: 'CONTENT', value: content }], 'Succeeded', 1);


describe('artifacts service on executions', () => {
  let first: string;
  let second: string;
  let third: string;

  it('records each output of a run as ArtifactRecorded in artifact-{sha256}, with size and content type from the stored object', async () => {
    first = await run('one');
    const [record] = await platform.projection.model.recordsOf(first, 'acme');
    const events = await platform.env.store.readStream(`artifact-${record!.sha256}`);
    expect(events.map((event) => event.type)).toEqual(['ArtifactRecorded']);
    const data = events[0]!.data as ArtifactRecorded['data'];
    expect(data).toMatchObject({
      account: 'acme',
      name: 'BuildOutput',
      pipelineName: 'web',
      pipelineExecutionId: first,
      stageName: 'Build',
      actionName: 'Compile',
      size: (await platform.store.stat(record!.sha256)).size,
      sourceRevision: null,
    });
    // The worker packs outputs as an archive; the type comes from its first bytes.
    expect(['application/zip', 'application/gzip', 'application/x-tar']).toContain(data.contentType);
    expect(events[0]!.metadata).toMatchObject({ account: 'acme', actor: 'system' });
  });

  it('records an output once: a projection started again reads only what its checkpoint has not seen and appends nothing new', async () => {
    const again = new OutputRecorder(platform.env.store, platform.store, (line) => platform.logged.push(line));
    const handed: string[] = [];
    const restarted = new ArtifactsProjection(platform.env.store, { onOutputs: (outputs) => (handed.push(...outputs.map((output) => output.name)), again.enqueue(outputs)) });
    const before = (await platform.env.eventsOf('artifact-')).length;
    const folded = (await platform.env.eventsOf('')).filter((event) => event.streamId.startsWith('artifact-') || event.streamId.startsWith('execution-')).length;
    await restarted.start();
    await again.idle();
    // The tables are the store's (decision 0065): the live projection folded them; nothing is pending.
    expect(restarted.eventsRead).toBeLessThan(folded / 2);
    expect(handed).toEqual([]);
    await restarted.stop();
    expect((await platform.env.eventsOf('artifact-')).length).toBe(before);
  });

  it('retention never deletes bytes a kept execution references, also when an old one shares them', async () => {
    second = await run('two');
    third = await run('one'); // the same bytes as the first run
    const [a, b, c] = await Promise.all([first, second, third].map(async (id) => (await platform.projection.model.recordsOf(id, 'acme'))[0]!.sha256));
    expect(c).toBe(a);
    expect(b).not.toBe(a);

    // An upload nobody references, and bytes a worker left behind without any record (a failed action).
    const bytes = new ArtifactBytes(platform.env.store, platform.store, platform.projection, clock, 1024 * 1024);
    const upload = await bytes.upload(alice, Readable.from([Buffer.from('uploaded, never used')]), {});
    const orphan = await platform.store.put(Readable.from([Buffer.from('left behind by a failed job')]));

    // Keep the newest execution only: the first and second are dropped; the third keeps a (= c).
    const collector = new ArtifactCollector(platform.env.store, platform.store, platform.projection, { graceMs: 30 * DAY, keepExecutions: 1 }, clock, (line) => platform.logged.push(line));
    now = new Date(Date.now() + 29 * DAY);
    const early = await collector.collect({ dryRun: false });
    expect(early.artifacts).toEqual([]);
    expect(early.found).toEqual([orphan.sha256]);

    now = new Date(Date.now() + 31 * DAY);
    const dry = await collector.collect({ dryRun: true });
    expect(dry.artifacts.map((artifact) => artifact.sha256).sort()).toEqual([b, upload.sha256].sort());
    expect(await platform.store.has(b!)).toBe(true);

    const collected = await collector.collect({ dryRun: false });
    expect(collected.artifacts.map((artifact) => artifact.sha256).sort()).toEqual([b, upload.sha256].sort());
    expect(collected.freedBytes).toBe(collected.artifacts.reduce((total, artifact) => total + (artifact.size ?? 0), 0));
    expect(await platform.store.has(a!)).toBe(true);
    expect(await platform.store.has(b!)).toBe(false);
    expect(await platform.store.has(upload.sha256)).toBe(false);
    expect((await platform.env.store.readStream(`artifact-${b}`)).map((event) => event.type)).toEqual(['ArtifactRecorded', 'ArtifactCollected']);
    expect(await bytes.isReadable('acme', upload.sha256)).toBe(false);

    // The orphan's grace started when it was found (29 days in): it goes 30 days after that.
    now = new Date(Date.now() + 60 * DAY);
    const later = await collector.collect({ dryRun: false });
    expect(later.artifacts.map((artifact) => artifact.sha256)).toEqual([orphan.sha256]);
    expect(await platform.store.has(a!)).toBe(true);
  });
});
