import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '../errors';
import type { ErrorCode } from '@sluice/domain';
import { deciderSpec } from '@sluice/domain/testing';
import { jobSpec, metadataAt } from '../testing/fixtures';
import type { JobCommand } from './job-commands';
import { decideJob, jobDecider } from './job-decider';
import { type JobEvent, emptyJobSuccess, type JobSpec, type JobSuccess } from '@sluice/contracts';
import { defaultJobQueuePolicy, leaseExpired, pollable } from './job-queue';
import { evolveJob, initialJobState } from './job-state';

const given = deciderSpec(jobDecider(), undefined);
const at = (seconds: number) => new Date(Date.parse('2026-03-01T10:00:00.000Z') + seconds * 1000).toISOString();
const spec: JobSpec = jobSpec({ commands: ['true'], deadline: at(3600) });
const created: JobEvent = { type: 'JobCreated', data: { spec, createdAt: at(0) } };
const dispatched = (nonce = 'n1', second = 1, workerId = 'w1'): JobEvent => ({ type: 'JobDispatched', data: { jobId: 'j1', nonce, workerId, leaseExpiresAt: at(second + 60), at: at(second) } });
const acknowledged: JobEvent = { type: 'JobAcknowledged', data: { jobId: 'j1', nonce: 'n1', leaseExpiresAt: at(302), at: at(2) } };
/** Acknowledged by its claim at second 2: the dispatch lease's end (decision 0060). */
const claimed: JobEvent = { type: 'JobAcknowledged', data: { jobId: 'j1', nonce: 'n1', leaseExpiresAt: at(62), at: at(2) } };
const succeeded: JobEvent = { type: 'JobSucceeded', data: { jobId: 'j1', result: emptyJobSuccess(), at: at(3) } };
const cmd = {
  dispatch: (second: number, nonce = 'n2'): JobCommand => ({ type: 'DispatchJob', jobId: 'j1', nonce, workerId: 'w2', metadata: metadataAt(at(second)) }),
  ack: (nonce: string, second = 2): JobCommand => ({ type: 'AcknowledgeJob', jobId: 'j1', nonce, metadata: metadataAt(at(second)) }),
  heartbeat: (nonce: string, second: number): JobCommand => ({ type: 'RecordJobHeartbeat', jobId: 'j1', nonce, metadata: metadataAt(at(second)) }),
  success: (second = 3): JobCommand => ({ type: 'PutJobSuccessResult', jobId: 'j1', result: emptyJobSuccess(), claims: null, metadata: metadataAt(at(second)) }),
  release: (workerId: string, second = 10): JobCommand => ({ type: 'ReleaseJob', jobId: 'j1', workerId, reason: 'the platform restarted', metadata: metadataAt(at(second)) }),
  requeue: (second: number): JobCommand => ({ type: 'RequeueJob', jobId: 'j1', metadata: metadataAt(at(second)) }),
  timeOut: (second: number): JobCommand => ({ type: 'TimeOutJob', jobId: 'j1', metadata: metadataAt(at(second)) }),
};

describe('job protocol', () => {
  const accepted: Array<[string, JobEvent[], JobCommand, JobEvent[]]> = [
    ['create', [], { type: 'CreateJob', jobId: 'j1', spec, metadata: metadataAt(at(0)) }, [created]],
    ['dispatch a queued job with an acknowledge lease', [created], cmd.dispatch(1, 'n1'), [dispatched('n1', 1, 'w2')]],
    ['acknowledge with the nonce: a heartbeat lease starts', [created, dispatched()], cmd.ack('n1'), [acknowledged]],
    [
      "the platform's worker claims it: dispatched and acknowledged in one append, still under the dispatch lease",
      [created],
      { type: 'DispatchJob', jobId: 'j1', nonce: 'n1', workerId: 'w1', claim: true, metadata: metadataAt(at(2)) },
      [dispatched('n1', 2, 'w1'), claimed],
    ],
    ["a claimed job's first heartbeat starts the heartbeat lease", [created, dispatched('n1', 2), claimed], cmd.heartbeat('n1', 20), [{ type: 'JobHeartbeatRecorded', data: { jobId: 'j1', leaseExpiresAt: at(320), at: at(20) } }]],
    ["a claimed job is requeued once the dispatch lease ran out without a heartbeat", [created, dispatched('n1', 2), claimed], cmd.requeue(63), [{ type: 'JobRequeued', data: { jobId: 'j1', reason: 'HeartbeatMissed', previousWorkerId: 'w1', at: at(63) } }]],
    [
      'a claim of a third-party job only dispatches it: its worker acknowledges with its client token',
      [{ type: 'JobCreated', data: { spec: jobSpec({ actionTypeId: { category: 'Deploy', owner: 'ThirdParty', provider: 'Partner', version: '1' }, deadline: at(3600) }), createdAt: at(0) } }],
      { type: 'DispatchJob', jobId: 'j1', nonce: 'n1', workerId: 'w1', claim: true, metadata: metadataAt(at(1)) },
      [dispatched('n1', 1, 'w1')],
    ],
    ['heartbeat extends the lease', [created, dispatched(), acknowledged], cmd.heartbeat('n1', 100), [{ type: 'JobHeartbeatRecorded', data: { jobId: 'j1', leaseExpiresAt: at(400), at: at(100) } }]],
    ['a result from the worker that holds it', [created, dispatched(), acknowledged], cmd.success(), [succeeded]],
    [
      'an unacknowledged job is requeued once its lease ran out',
      [created, dispatched()],
      cmd.requeue(61),
      [{ type: 'JobRequeued', data: { jobId: 'j1', reason: 'NotAcknowledged', previousWorkerId: 'w1', at: at(61) } }],
    ],
    [
      'a silent worker loses the job to the next poll',
      [created, dispatched(), acknowledged],
      cmd.dispatch(302),
      [
        { type: 'JobRequeued', data: { jobId: 'j1', reason: 'HeartbeatMissed', previousWorkerId: 'w1', at: at(302) } },
        { type: 'JobDispatched', data: { jobId: 'j1', nonce: 'n2', workerId: 'w2', leaseExpiresAt: at(362), at: at(302) } },
      ],
    ],
    ['a job past its deadline times out', [created], cmd.timeOut(3600), [{ type: 'JobTimedOut', data: { jobId: 'j1', deadline: at(3600), at: at(3600) } }]],
    [
      'the worker holding it is known to be gone: back on the queue now, not when the lease runs out',
      [created, dispatched(), acknowledged],
      cmd.release('w1'),
      [{ type: 'JobRequeued', data: { jobId: 'j1', reason: 'WorkerStopped', previousWorkerId: 'w1', detail: 'the platform restarted', at: at(10) } }],
    ],
    [
      'the holder gives it back with its nonce (releaseJob): back on the queue now',
      [created, dispatched()],
      { type: 'ReleaseJob', jobId: 'j1', workerId: 'w1', nonce: 'n1', reason: 'the worker is stopping', metadata: metadataAt(at(3)) },
      [{ type: 'JobRequeued', data: { jobId: 'j1', reason: 'WorkerStopped', previousWorkerId: 'w1', detail: 'the worker is stopping', at: at(3) } }],
    ],
    [
      'a job that must not be handed out fails before any worker has it',
      [created],
      { type: 'RefuseJob', jobId: 'j1', failure: { type: 'RevisionUnavailable', message: 'not found', externalExecutionId: null }, metadata: metadataAt(at(1)) },
      [{ type: 'JobFailed', data: { jobId: 'j1', failure: { type: 'RevisionUnavailable', message: 'not found', externalExecutionId: null }, at: at(1) } }],
    ],
  ];
  it.each(accepted)('%s', (_, events, command, expected) => given(events).when(command).then(expected));

  const nothing: Array<[string, JobEvent[], JobCommand]> = [
    ['a second create', [created], { type: 'CreateJob', jobId: 'j1', spec, metadata: metadataAt(at(0)) }],
    ['a requeue while the lease holds', [created, dispatched()], cmd.requeue(60)],
    ["a requeue of a claimed job while the dispatch lease holds", [created, dispatched('n1', 2), claimed], cmd.requeue(61)],
    ['a time-out before the deadline', [created], cmd.timeOut(3599)],
    ['a repeated acknowledge', [created, dispatched(), acknowledged], cmd.ack('n1', 3)],
    ['a release naming another worker than the holder', [created, dispatched(), acknowledged], cmd.release('w2')],
    ['a release of a job nobody holds', [created], cmd.release('w1')],
    ['a release of a finished job', [created, dispatched(), acknowledged, succeeded], cmd.release('w1')],
    ['a release by the holder naming a nonce it does not hold', [created, dispatched(), acknowledged], { type: 'ReleaseJob', jobId: 'j1', workerId: 'w1', nonce: 'n9', reason: 'stopping', metadata: metadataAt(at(10)) }],
  ];
  it.each(nothing)('nothing happens on %s', (_, events, command) => given(events).when(command).thenNothingHappened());

  const refused: Array<[string, JobEvent[], JobCommand, abstract new (...args: never[]) => Error, ErrorCode]> = [
    ['a duplicate result', [created, dispatched(), acknowledged, succeeded], cmd.success(4), IllegalStateError, 'INVALID_JOB_STATE'],
    ['a result for an unacknowledged job', [created, dispatched()], cmd.success(), IllegalStateError, 'INVALID_JOB_STATE'],
    ['a late result after the job was requeued', [created, dispatched(), acknowledged, { type: 'JobRequeued', data: { jobId: 'j1', reason: 'HeartbeatMissed', previousWorkerId: 'w1', at: at(303) } }], cmd.success(304), IllegalStateError, 'INVALID_JOB_STATE'],
    ['an acknowledge with another nonce', [created, dispatched()], cmd.ack('n9'), ConflictError, 'INVALID_NONCE'],
    ['an acknowledge of a finished job', [created, dispatched(), acknowledged, succeeded], cmd.ack('n1', 4), IllegalStateError, 'INVALID_JOB_STATE'],
    ['a dispatch of a job another worker holds', [created, dispatched()], cmd.dispatch(30), ConflictError, 'JOB_ALREADY_HELD'],
    [
      'a second claim racing the first (another poll of the same instant)',
      [created, dispatched('n1', 2), claimed],
      { type: 'DispatchJob', jobId: 'j1', nonce: 'n2', workerId: 'w2', claim: true, metadata: metadataAt(at(2)) },
      ConflictError,
      'JOB_ALREADY_HELD',
    ],
    ['a heartbeat with another nonce', [created, dispatched(), acknowledged], cmd.heartbeat('n9', 10), ConflictError, 'INVALID_NONCE'],
    ['a heartbeat of a job not acknowledged', [created, dispatched()], cmd.heartbeat('n1', 10), IllegalStateError, 'INVALID_JOB_STATE'],
    ['anything on an unknown job', [], cmd.success(), NotFoundError, 'JOB_NOT_FOUND'],
    ['a dispatch past the deadline', [created], cmd.dispatch(3600), IllegalStateError, 'INVALID_JOB_STATE'],
  ];
  it.each(refused)('refuses %s', (_, events, command, error, code) => given(events).when(command).thenThrows(error, (thrown) => expect(thrown).toMatchObject({ code })));
});

describe('what a job result may name (decision 0027)', () => {
  const address = (char: string) => char.repeat(64);
  const input = address('a');
  const withInput: JobEvent = { type: 'JobCreated', data: { spec: { ...spec, inputArtifacts: [{ name: 'Src', location: input, producedBy: { stageName: 'Source', actionName: 'Checkout' } }] }, createdAt: at(0) } };
  const result = (location: string): JobSuccess => ({ ...emptyJobSuccess(), outputArtifacts: [{ name: 'Out', location }] });
  const claims = new Map<string, ReadonlySet<string>>([
    [address('b'), new Set(['acme'])],
    [address('c'), new Set(['globex'])],
    [address('d'), new Set()],
  ]);
  const put = (location: string, known: typeof claims | null = claims): JobCommand => ({ type: 'PutJobSuccessResult', jobId: 'j1', result: result(location), claims: known, metadata: metadataAt(at(3)) });

  it.each([
    ['an input of the job', input],
    ['bytes of its own account (its worker uploaded them)', address('b')],
    ['a location that is no address of the store', 'sha256:j1:Out'],
  ])('accepts %s', (_, location) => {
    given([withInput, dispatched(), acknowledged]).when(put(location)).then([{ type: 'JobSucceeded', data: { jobId: 'j1', result: result(location), at: at(3) } }]);
  });

  it.each([
    ["another account's bytes", address('c')],
    ['bytes nobody holds a claim on (written straight into the store)', address('d')],
    ['bytes the platform never saw', address('e')],
  ])('refuses %s, naming the output, and changes nothing', (_, location) => {
    given([withInput, dispatched(), acknowledged]).when(put(location)).thenThrows(ValidationError);
    const state = [withInput, dispatched(), acknowledged].reduce(evolveJob, initialJobState);
    const refusal = (() => {
      try {
        return decideJob(put(location), state);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toMatchObject({ issues: [{ path: '$.outputArtifacts[0].location', code: 'artifact_not_owned', message: expect.stringContaining('neither an input of this job nor an artifact of account acme') }] });
  });

  it('takes what the platform\'s own worker reports as it is (it wrote those bytes itself)', () => {
    given([withInput, dispatched(), acknowledged]).when(put(address('c'), null)).then([{ type: 'JobSucceeded', data: { jobId: 'j1', result: result(address('c')), at: at(3) } }]);
  });
});

describe('job queue rules', () => {
  const state = (...events: JobEvent[]) => events.reduce(evolveJob, initialJobState);
  it.each([
    ['queued', state(created), at(10), true],
    ['dispatched, lease running', state(created, dispatched()), at(60), false],
    ['dispatched, lease ran out', state(created, dispatched()), at(61), true],
    ['acknowledged, heart-beating', state(created, dispatched(), acknowledged), at(301), false],
    ['acknowledged, silent too long', state(created, dispatched(), acknowledged), at(302), true],
    ['past its deadline', state(created), at(3600), false],
    ['finished', state(created, dispatched(), acknowledged, succeeded), at(10), false],
  ])('pollable when %s: %s', (_, job, now, expected) => {
    expect(pollable(job, now)).toBe(expected);
  });

  it('the default policy: acknowledge within a minute, heartbeat within five', () => {
    expect(defaultJobQueuePolicy).toEqual({ acknowledgeWithinMs: 60_000, heartbeatWithinMs: 300_000 });
    expect(leaseExpired(state(created, dispatched()), at(61))).toBe(true);
  });
});
