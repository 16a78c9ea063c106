import { type JobEvent, emptyJobSuccess, jobStreamId } from '@sluice/contracts';
import { StreamStates, type FoldedEvent } from './stream-states';
import { JobQueueIndex } from './job-queue-index';
import { jobSpec } from '../domain/testing/fixtures';

const type = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' } as const;
const spec = jobSpec({ actionTypeId: type });
const created: JobEvent = { type: 'JobCreated', data: { spec, createdAt: '2026-03-01T10:00:00.000Z' } };
const dispatched: JobEvent = { type: 'JobDispatched', data: { jobId: 'j1', nonce: 'n1', workerId: 'w1', leaseExpiresAt: '2026-03-01T10:01:00.000Z', at: '2026-03-01T10:00:00.000Z' } };
const succeeded: JobEvent = { type: 'JobSucceeded', data: { jobId: 'j1', result: emptyJobSuccess(), at: '2026-03-01T10:00:30.000Z' } };

describe('stream states', () => {
  it('folds each revision once, whichever source (own append, subscription) brings it first', () => {
    const states = new StreamStates();
    const seen: FoldedEvent[] = [];
    states.onFolded((folded) => void seen.push(folded));
    expect(states.apply(jobStreamId('j1'), 0n, created)).toBe(true);
    expect(states.apply(jobStreamId('j1'), 1n, dispatched)).toBe(true);
    expect(states.apply(jobStreamId('j1'), 0n, created)).toBe(false);
    expect(states.apply(jobStreamId('j1'), 1n, dispatched)).toBe(false);
    expect(states.job('j1')).toMatchObject({ revision: 1n, state: { status: 'Dispatched' } });
    expect(seen.map((folded) => folded.event.type)).toEqual(['JobCreated', 'JobDispatched']);
  });

  it('refuses to skip a revision', () => {
    const states = new StreamStates();
    expect(() => states.apply(jobStreamId('j1'), 1n, dispatched)).toThrow('cannot skip');
  });

  it('ignores streams that are not the engine\'s', () => {
    expect(new StreamStates().apply('pipeline-acme.web', 0n, created)).toBe(false);
  });
});

describe('job queue index', () => {
  const now = '2026-03-01T10:00:10.000Z';

  it('offers queued jobs of the action type and account, not leased or finished ones', () => {
    const states = new StreamStates();
    const queue = new JobQueueIndex();
    states.onFolded((folded) => queue.apply(folded));
    states.apply(jobStreamId('j1'), 0n, created);
    expect(queue.pollable(type, now, null).map((job) => job.spec.jobId)).toEqual(['j1']);
    expect(queue.pollable(type, now, 'other')).toEqual([]);
    expect(queue.pollable({ ...type, provider: 'Other' }, now, null)).toEqual([]);
    states.apply(jobStreamId('j1'), 1n, dispatched);
    expect(queue.pollable(type, now, null)).toEqual([]);
    expect(queue.pollable(type, '2026-03-01T10:01:00.000Z', null).map((job) => job.spec.jobId)).toEqual(['j1']);
    states.apply(jobStreamId('j1'), 2n, succeeded);
    expect(queue.pollable(type, '2026-03-01T10:01:00.000Z', null)).toEqual([]);
  });

  it('wakes a waiting poll as soon as a job is queued, not at its timeout', async () => {
    const states = new StreamStates();
    const queue = new JobQueueIndex();
    states.onFolded((folded) => queue.apply(folded));
    const started = Date.now();
    const woken = queue.whenAvailable(type, 5_000);
    setTimeout(() => states.apply(jobStreamId('j1'), 0n, created), 10);
    await woken;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
