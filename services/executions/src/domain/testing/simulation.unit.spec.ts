import type { ExecutionMode } from '@sluice/domain';
import { rollbackExecutionIdFor } from '../derived-ids';
import { nextCommands } from '../engine/process-manager';
import { decideExecution, noExecutionContext } from '../execution/execution-decider';
import { IllegalStateError, ValidationError } from '../errors';
import type { ExecutionCommand } from '../execution/execution-commands';
import type { ExecutionState } from '../execution/execution-state';
import type { JobSpec } from '@sluice/contracts';
import { latestExecutionInStage } from '../lanes/lanes-state';
import { approvalAction, commandsAction, gridPipeline, metadataAt, pipeline, pipelineRef, releasePipeline, sourceAction, stage } from './fixtures';
import { countStatuses, entryOrder, eventsOfType, maxOccupancy } from './simulation-helpers';
import { Engine, Simulation, type WorkerPlan } from './simulation';

const twoStages = (mode: ExecutionMode, firstMs = 0, secondMs = 0) => ({
  declaration: pipeline([stage('Build', [commandsAction('Compile')]), stage('Deploy', [commandsAction('Ship')])], { executionMode: mode }),
  worker: (spec: JobSpec): WorkerPlan => ({ kind: 'succeed', afterMs: spec.stageName === 'Build' ? firstMs : secondMs }),
});

function running(state: ExecutionState): Extract<ExecutionState, { run: unknown }> {
  if (state.status === 'NotStarted') throw new Error('not started');
  return state;
}

describe('simulation: actions and stages', () => {
  it('runs 3 stages of 4 parallel actions to Succeeded, each runOrder started in one append and each job applied once', () => {
    const sim = new Simulation();
    const id = sim.start(gridPipeline(3, 4));
    sim.run();
    expect(sim.statuses()).toEqual({ [id]: 'Succeeded' });
    const events = sim.executionEvents(id);
    expect(eventsOfType(events, 'ActionExecutionSucceeded')).toHaveLength(12);
    const types = events.map((event) => event.type);
    const firstStage = types.slice(types.indexOf('StageExecutionStarted'), types.indexOf('StageExecutionSucceeded'));
    expect(firstStage.slice(1, 5)).toEqual(Array(4).fill('ActionExecutionStarted'));
    expect(sim.store.streamIds('job-')).toHaveLength(12);
  });

  it('fails the stage and the execution only after the other running actions of the runOrder ended; the next runOrder never starts', () => {
    const declaration = pipeline([
      stage('Test', [commandsAction('Unit'), commandsAction('Lint'), commandsAction('Slow'), commandsAction('Later', 2)]),
      stage('Deploy', [commandsAction('Ship')]),
    ]);
    const sim = new Simulation({
      worker: (spec) =>
        spec.actionName === 'Unit' ? { kind: 'fail', afterMs: 1_000, message: '3 tests failed' } : { kind: 'succeed', afterMs: spec.actionName === 'Slow' ? 5_000 : 2_000 },
    });
    const id = sim.start(declaration);
    sim.run();
    const events = sim.executionEvents(id);
    const types = events.map((event) => event.type);
    expect(sim.execution(id).status).toBe('Failed');
    expect(types.lastIndexOf('ActionExecutionSucceeded')).toBeLessThan(types.indexOf('StageExecutionFailed'));
    expect(eventsOfType(events, 'ActionExecutionStarted').map((event) => event.data.actionName)).toEqual(['Unit', 'Lint', 'Slow']);
    const stageFailed = eventsOfType(events, 'StageExecutionFailed')[0]!;
    expect(stageFailed.data.at).toBe('2026-03-01T10:00:05.000Z');
    expect(stageFailed.data.message).toBe('action "Unit" failed: 3 tests failed');
    expect(sim.lanesEvents().filter((event) => event.type === 'StageReleased').map((event) => event.data)).toMatchObject([{ stageName: 'Test', outcome: 'Failed' }]);
  });
});

describe('simulation: execution modes', () => {
  it('SUPERSEDED: of three rapid executions the middle one, waiting between stages, is superseded by the newest', () => {
    const { declaration, worker } = twoStages('SUPERSEDED', 10_000, 100_000);
    const sim = new Simulation({ worker });
    sim.start(declaration);
    sim.runFor(15_000);
    sim.start(declaration);
    sim.runFor(15_000);
    sim.start(declaration);
    sim.run();
    expect(sim.statuses()).toEqual({ e1: 'Succeeded', e2: 'Superseded', e3: 'Succeeded' });
    expect(sim.execution('e2')).toMatchObject({ supersededBy: 'e3', run: { stages: [{ phase: { status: 'Succeeded' } }, { phase: { status: 'NotStarted' } }] } });
    expect(entryOrder(sim.lanesEvents(), 'Deploy')).toEqual(['e1', 'e3']);
  });

  it('QUEUED: executions enter every stage in start order, one at a time', () => {
    const { declaration, worker } = twoStages('QUEUED', 3_000, 7_000);
    const sim = new Simulation({ worker });
    for (let i = 0; i < 5; i += 1) sim.start(declaration);
    sim.run();
    expect(countStatuses(sim)).toEqual({ Succeeded: 5 });
    for (const stageName of ['Build', 'Deploy']) {
      expect(entryOrder(sim.lanesEvents(), stageName)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
      expect(maxOccupancy(sim.lanesEvents(), stageName)).toBe(1);
    }
  });

  it('an execution brings the sequence of its first arrival to every later stage; the lanes do not record it (decision 0073)', () => {
    const { declaration, worker } = twoStages('QUEUED', 3_000, 7_000);
    const sim = new Simulation({ worker });
    for (let i = 0; i < 4; i += 1) sim.start(declaration);
    sim.run();
    expect(countStatuses(sim)).toEqual({ Succeeded: 4 });
    const arrivals = sim
      .lanesEvents()
      .flatMap((event) => (event.type === 'ExecutionArrivedAtStage' ? [[event.data.executionId, event.data.stageName, event.data.sequence, event.data.keptBy]] : []));
    expect(arrivals.filter(([, stageName]) => stageName === 'Build')).toEqual([1, 2, 3, 4].map((n) => [`e${n}`, 'Build', n, 'execution']));
    expect(arrivals.filter(([, stageName]) => stageName === 'Deploy')).toEqual([1, 2, 3, 4].map((n) => [`e${n}`, 'Deploy', n, 'execution']));
    for (const n of [1, 2, 3, 4]) {
      const entered = eventsOfType(sim.executionEvents(`e${n}`), 'StageExecutionStarted').map(({ data }) => data.laneSequence);
      expect(entered).toEqual([n, n]);
      expect(running(sim.execution(`e${n}`)).run.laneSequence).toBe(n);
    }
    expect(sim.api.lanes().sequences).toEqual({});
  });

  it('PARALLEL: executions run side by side, without stage locking', () => {
    const { declaration, worker } = twoStages('PARALLEL', 3_000, 7_000);
    const sim = new Simulation({ worker });
    for (let i = 0; i < 3; i += 1) sim.start(declaration);
    sim.run();
    expect(countStatuses(sim)).toEqual({ Succeeded: 3 });
    expect(maxOccupancy(sim.lanesEvents(), 'Build')).toBe(3);
    expect(sim.now()).toBe('2026-03-01T10:00:10.000Z');
  });

  describe('200 concurrent executions of one pipeline', () => {
    const declarationFor = (mode: ExecutionMode) => gridPipeline(3, 1, mode);
    const run200 = (mode: ExecutionMode) => {
      const sim = new Simulation({ worker: () => ({ kind: 'succeed', afterMs: 1_000 }) });
      for (let i = 0; i < 200; i += 1) sim.start(declarationFor(mode));
      sim.run(24 * 60 * 60_000);
      return sim;
    };

    it('SUPERSEDED: the first and the newest succeed, the 198 between are superseded at the first stage', () => {
      const sim = run200('SUPERSEDED');
      expect(countStatuses(sim)).toEqual({ Succeeded: 2, Superseded: 198 });
      expect(sim.statuses()).toMatchObject({ e1: 'Succeeded', e200: 'Succeeded' });
      expect(entryOrder(sim.lanesEvents(), 'Stage3')).toEqual(['e1', 'e200']);
    });

    it('QUEUED: all 200 succeed, each stage admitted them in start order, one at a time', () => {
      const sim = run200('QUEUED');
      expect(countStatuses(sim)).toEqual({ Succeeded: 200 });
      const order = Array.from({ length: 200 }, (_, i) => `e${i + 1}`);
      for (const stageName of ['Stage1', 'Stage2', 'Stage3']) {
        expect(entryOrder(sim.lanesEvents(), stageName)).toEqual(order);
        expect(maxOccupancy(sim.lanesEvents(), stageName)).toBe(1);
      }
    });

    it('PARALLEL: all 200 succeed together, in the time of one', () => {
      const sim = run200('PARALLEL');
      expect(countStatuses(sim)).toEqual({ Succeeded: 200 });
      expect(maxOccupancy(sim.lanesEvents(), 'Stage1')).toBe(200);
      expect(sim.now()).toBe('2026-03-01T10:00:03.000Z');
    });
  });
});

describe('simulation: transitions', () => {
  const disable = (sim: Simulation, stageName: string) =>
    sim.api.apply({ aggregate: 'lanes', command: { type: 'DisableInboundTransition', pipeline: pipelineRef, stageName, reason: 'release freeze', metadata: metadataAt(sim.now(), 'bob') } });
  const enable = (sim: Simulation, stageName: string) =>
    sim.api.apply({ aggregate: 'lanes', command: { type: 'EnableInboundTransition', pipeline: pipelineRef, stageName, metadata: metadataAt(sim.now(), 'bob') } });

  it('a disabled transition holds the newest execution that reached it; enabling promotes it', () => {
    const { declaration, worker } = twoStages('SUPERSEDED', 1_000, 1_000);
    const sim = new Simulation({ worker });
    disable(sim, 'Deploy');
    sim.start(declaration);
    sim.run();
    sim.start(declaration);
    sim.run();
    expect(sim.statuses()).toEqual({ e1: 'Superseded', e2: 'InProgress' });
    enable(sim, 'Deploy');
    sim.run();
    expect(sim.statuses()).toEqual({ e1: 'Superseded', e2: 'Succeeded' });
    expect(entryOrder(sim.lanesEvents(), 'Deploy')).toEqual(['e2']);
  });

  it('QUEUED: held executions keep their order and all pass once enabled', () => {
    const { declaration, worker } = twoStages('QUEUED', 1_000, 1_000);
    const sim = new Simulation({ worker });
    disable(sim, 'Deploy');
    sim.start(declaration);
    sim.start(declaration);
    sim.run();
    expect(sim.statuses()).toEqual({ e1: 'InProgress', e2: 'InProgress' });
    enable(sim, 'Deploy');
    sim.run();
    expect(sim.statuses()).toEqual({ e1: 'Succeeded', e2: 'Succeeded' });
    expect(entryOrder(sim.lanesEvents(), 'Deploy')).toEqual(['e1', 'e2']);
  });
});

describe('simulation: manual approval', () => {
  const declaration = pipeline([stage('Build', [commandsAction('Compile')]), stage('Gate', [approvalAction()]), stage('Deploy', [commandsAction('Ship')])]);
  const tokenOf = (sim: Simulation, id: string) => {
    const action = running(sim.execution(id)).run.stages[1]!.actions['Approve']!;
    if (action.status !== 'InProgress' || action.work.kind !== 'Approval') throw new Error('no approval waiting');
    return action.work.token;
  };
  const answer = (sim: Simulation, token: string, status: 'Approved' | 'Rejected'): ExecutionCommand => ({
    type: 'PutApprovalResult',
    executionId: 'e1',
    stageName: 'Gate',
    actionName: 'Approve',
    token,
    result: { status, summary: status === 'Approved' ? 'looks good' : 'not today' },
    authorized: true,
    metadata: metadataAt(sim.now(), 'carol'),
  });

  it('approve: the execution goes on, the approver and summary recorded', () => {
    const sim = new Simulation();
    sim.start(declaration);
    sim.run();
    expect(sim.execution('e1').status).toBe('InProgress');
    sim.call(answer(sim, tokenOf(sim, 'e1'), 'Approved'));
    sim.run();
    expect(sim.execution('e1').status).toBe('Succeeded');
    expect(eventsOfType(sim.executionEvents('e1'), 'ApprovalResultRecorded')[0]!.data).toMatchObject({ status: 'Approved', approvedBy: 'carol', summary: 'looks good' });
  });

  it('reject: the stage and the execution fail', () => {
    const sim = new Simulation();
    sim.start(declaration);
    sim.run();
    sim.call(answer(sim, tokenOf(sim, 'e1'), 'Rejected'));
    sim.run();
    expect(sim.execution('e1')).toMatchObject({ status: 'Failed', failure: { stageName: 'Gate' } });
  });

  it('a wrong token is refused and changes nothing', () => {
    const sim = new Simulation();
    sim.start(declaration);
    sim.run();
    expect(() => sim.call(answer(sim, 'approval:someone-else', 'Approved'))).toThrow(ValidationError);
    expect(sim.execution('e1').status).toBe('InProgress');
  });

  it('expires after 7 days without an answer: Failed', () => {
    const sim = new Simulation();
    sim.start(declaration);
    sim.run(8 * 24 * 60 * 60_000);
    expect(sim.execution('e1')).toMatchObject({ status: 'Failed', failure: { stageName: 'Gate' } });
    const failed = eventsOfType(sim.executionEvents('e1'), 'ActionExecutionFailed')[0]!;
    expect(failed.data).toMatchObject({ errorType: 'ApprovalExpired', finishedAt: '2026-03-08T10:00:00.000Z' });
  });
});

describe('simulation: stop', () => {
  const declaration = pipeline([stage('Build', [commandsAction('Compile'), commandsAction('Package', 2)]), stage('Deploy', [commandsAction('Ship')])]);
  const stop = (sim: Simulation, abandon: boolean): ExecutionCommand => ({
    type: 'StopPipelineExecution',
    executionId: 'e1',
    abandon,
    reason: 'wrong branch',
    metadata: metadataAt(sim.now(), 'dave'),
  });

  it('stop and wait: the running action finishes and is recorded, nothing new starts, then Stopped', () => {
    const sim = new Simulation({ worker: () => ({ kind: 'succeed', afterMs: 10_000 }) });
    sim.start(declaration);
    sim.runFor(5_000);
    sim.call(stop(sim, false));
    expect(sim.execution('e1').status).toBe('Stopping');
    sim.run();
    expect(sim.execution('e1')).toMatchObject({ status: 'Stopped', stop: { reason: 'wrong branch', abandoned: false } });
    const events = sim.executionEvents('e1');
    expect(eventsOfType(events, 'ActionExecutionSucceeded').map((event) => event.data.actionName)).toEqual(['Compile']);
    expect(eventsOfType(events, 'ActionExecutionStarted').map((event) => event.data.actionName)).toEqual(['Compile']);
    expect(sim.lanesEvents().at(-1)).toMatchObject({ type: 'StageReleased', data: { outcome: 'Stopped' } });
  });

  it('abandon: Stopped at once, the job cancelled, the worker\'s late result refused', () => {
    const sim = new Simulation({ worker: () => ({ kind: 'succeed', afterMs: 10_000 }) });
    sim.start(declaration);
    sim.runFor(5_000);
    sim.call(stop(sim, true));
    expect(sim.execution('e1')).toMatchObject({ status: 'Stopped', stop: { abandoned: true } });
    sim.run();
    expect(eventsOfType(sim.executionEvents('e1'), 'ActionExecutionSucceeded')).toEqual([]);
    expect(sim.jobEvents(sim.jobIdOf('e1', 'Build', 'Compile')).map((event) => event.type)).toContain('JobCancelled');
    expect(sim.worker.refused).toEqual([expect.any(IllegalStateError)]);
  });
});

describe('simulation: retry and re-run replay the original inputs', () => {
  const v1 = pipeline(
    [stage('Build', [commandsAction('Unit', 1, { configuration: { Suite: 'v1-suite' } }), commandsAction('Flaky', 1, { configuration: { Suite: 'v1-flaky' } })])],
    { version: 1 },
  );
  const v2 = pipeline([stage('Build', [commandsAction('Unit', 1, { configuration: { Suite: 'v2-suite' } }), commandsAction('Flaky', 1, { configuration: { Suite: 'v2-flaky' } })])], {
    version: 2,
  });
  const flakyOnce = () => {
    const seen = new Set<string>();
    const specs: JobSpec[] = [];
    const plan = (spec: JobSpec): WorkerPlan => {
      specs.push(spec);
      if (spec.actionName === 'Flaky' && !seen.has(spec.executionId)) {
        seen.add(spec.executionId);
        return { kind: 'fail', message: 'flaked' };
      }
      return { kind: 'succeed' };
    };
    return { plan, specs };
  };

  it.each([
    ['FAILED_ACTIONS', ['Flaky']],
    ['ALL_ACTIONS', ['Unit', 'Flaky']],
  ] as const)('%s re-runs %j with the v1 configuration after the pipeline moved to v2', (retryMode, rerun) => {
    const { plan, specs } = flakyOnce();
    const sim = new Simulation({ worker: plan });
    sim.start(v1);
    sim.run();
    expect(sim.execution('e1').status).toBe('Failed');
    sim.start(v2, { executionId: 'later' });
    sim.run();
    specs.length = 0;
    sim.call({
      type: 'RetryStageExecution',
      executionId: 'e1',
      stageName: 'Build',
      retryMode,
      latestExecutionInStage: null,
      metadata: metadataAt(sim.now()),
    });
    sim.run();
    expect(sim.execution('e1').status).toBe('Succeeded');
    expect(specs.map((spec) => spec.actionName)).toEqual(rerun);
    expect(specs.every((spec) => spec.pipelineVersion === 1 && spec.configuration['Suite']!.startsWith('v1-'))).toBe(true);
  });

  it('a retry is refused once a newer execution has entered the stage', () => {
    const { plan } = flakyOnce();
    const sim = new Simulation({ worker: plan });
    sim.start(v1);
    sim.run();
    sim.start(v1, { executionId: 'later' });
    sim.run();
    const latest = latestExecutionInStage(sim.api.lanes(), 'Build');
    expect(latest).toBe('later');
    expect(() =>
      sim.call({ type: 'RetryStageExecution', executionId: 'e1', stageName: 'Build', retryMode: 'FAILED_ACTIONS', latestExecutionInStage: latest, metadata: metadataAt(sim.now()) }),
    ).toThrow('has entered stage');
  });
});

describe('simulation: variables, source revisions, rollback', () => {
  const revisionOf = (executionId: string) => (executionId === 'e1' ? 'abc123' : 'def456');
  const releaseWorker =
    (failDeployOf: string | null = null) =>
    (spec: JobSpec): WorkerPlan => {
      if (spec.actionName === 'Checkout') {
        const revisionId = spec.sourceRevision?.revisionId ?? revisionOf(spec.executionId);
        return {
          kind: 'succeed',
          result: {
            outputVariables: { CommitId: revisionId },
            sourceRevision: { actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionId, revisionSummary: null, revisionUrl: null },
          },
        };
      }
      if (spec.actionName === 'Compile') return { kind: 'succeed', result: { outputVariables: { IMAGE_TAG: `img-${spec.executionId}` } } };
      return spec.executionId === failDeployOf ? { kind: 'fail', message: 'health check failed' } : { kind: 'succeed' };
    };
  const deploySpecs = (sim: Simulation) =>
    sim.store
      .streamIds('job-')
      .map((id) => sim.api.job(id.slice(4)))
      .flatMap((job) => (job.status !== 'NotCreated' && job.spec.actionName === 'Publish' ? [job.spec] : []));

  it('resolves #{variables.X}, #{ns.VAR} and #{codepipeline.PipelineExecutionId} when the job is created', () => {
    const sim = new Simulation({ worker: releaseWorker() });
    sim.start(releasePipeline(), { variables: [{ name: 'TARGET', value: 'prod' }] });
    sim.run();
    expect(sim.execution('e1').status).toBe('Succeeded');
    expect(deploySpecs(sim)[0]!.configuration).toEqual({ Path: '/srv/prod/img-e1', Commit: 'abc123', Run: 'e1' });
  });

  it('in the commands of a Commands action, a reference becomes a quoted expansion of an environment variable the job carries', () => {
    const sim = new Simulation({ worker: releaseWorker() });
    sim.start(releasePipeline(), { variables: [{ name: 'TARGET', value: 'prod; cat /root/.sluice/admin-token' }] });
    sim.run();
    const compile = sim.store
      .streamIds('job-')
      .map((id) => sim.api.job(id.slice(4)))
      .flatMap((job) => (job.status !== 'NotCreated' && job.spec.actionName === 'Compile' ? [job.spec] : []))[0]!;
    expect(compile.commands).toEqual(['make TARGET="${variables_TARGET}"']);
    expect(compile.environmentVariables).toEqual([{ name: 'variables_TARGET', value: 'prod; cat /root/.sluice/admin-token', type: 'PLAINTEXT' }]);
  });

  it('an unresolved reference fails that action with a message naming it', () => {
    const sim = new Simulation({ worker: (spec) => (spec.actionName === 'Compile' ? { kind: 'succeed' } : releaseWorker()(spec)) });
    sim.start(releasePipeline());
    sim.run();
    expect(sim.execution('e1')).toMatchObject({ status: 'Failed', failure: { stageName: 'Deploy' } });
    const failed = eventsOfType(sim.executionEvents('e1'), 'ActionExecutionFailed')[0]!;
    expect(failed.data.errorType).toBe('UnresolvedVariable');
    expect(failed.data.message).toContain('#{BuildVariables.IMAGE_TAG} in configuration.Path: the namespace "BuildVariables" has no variable "IMAGE_TAG"');
    expect(deploySpecs(sim)).toEqual([]);
  });

  it('rollbackStage re-runs the stage with the earlier successful execution\'s revisions, artifacts and variables', () => {
    const sim = new Simulation({ worker: releaseWorker('e2') });
    sim.start(releasePipeline());
    sim.run();
    sim.start(releasePipeline());
    sim.run();
    expect(sim.statuses()).toEqual({ e1: 'Succeeded', e2: 'Failed' });
    sim.api.apply({
      aggregate: 'execution',
      command: { type: 'RerunStage', executionId: 'r1', sourceExecutionId: 'e1', stageName: 'Deploy', reason: 'Rollback', automatic: false, clientRequestToken: null, metadata: metadataAt(sim.now()) },
    });
    sim.run();
    expect(sim.execution('r1').status).toBe('Succeeded');
    const rollback = deploySpecs(sim).find((spec) => spec.executionId === 'r1')!;
    expect(rollback.configuration).toEqual({ Path: '/srv/staging/img-e1', Commit: 'abc123', Run: 'r1' });
    const [compiled] = sim.jobIdsOf('e1', 'Build', 'Compile');
    expect(rollback.inputArtifacts).toEqual([{ name: 'BuildOutput', location: `sha256:${compiled}:BuildOutput`, producedBy: { stageName: 'Build', actionName: 'Compile' } }]);
    expect(running(sim.execution('r1')).run.inputs.sourceRevisions).toMatchObject([{ actionName: 'Checkout', revisionId: 'abc123' }]);
  });

  it('onFailure ROLLBACK starts a rollback execution from the last execution that succeeded in the stage', () => {
    const declaration = releasePipeline();
    declaration.stages[2] = { ...declaration.stages[2]!, onFailure: { result: 'ROLLBACK' } };
    const sim = new Simulation({ worker: releaseWorker('e2') });
    sim.start(declaration);
    sim.run();
    sim.start(declaration);
    sim.run();
    const rollbackId = rollbackExecutionIdFor('e2', 'Deploy', 1);
    expect(rollbackId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sim.statuses()).toEqual({ e1: 'Succeeded', e2: 'Failed', [rollbackId]: 'Succeeded' });
    expect(running(sim.execution(rollbackId)).run.inputs.trigger).toEqual({ triggerType: 'AutomatedRollback', triggerDetail: 'e1' });
    expect(running(sim.execution('e2')).run.stages[2]!.rollback).toEqual({ status: 'Started', rollbackExecutionId: rollbackId, targetExecutionId: 'e1' });
  });

  it('a rollback whose stage fails again ends Failed, one rollback deep: a rollback is never rolled back', () => {
    const declaration = releasePipeline();
    declaration.stages[2] = { ...declaration.stages[2]!, onFailure: { result: 'ROLLBACK' } };
    const succeedAsBefore = releaseWorker();
    const sim = new Simulation({
      worker: (spec) => (spec.executionId !== 'e1' && spec.actionName !== 'Checkout' && spec.actionName !== 'Compile' ? { kind: 'fail', message: 'health check failed' } : succeedAsBefore(spec)),
    });
    sim.start(declaration);
    sim.run();
    sim.start(declaration);
    sim.run();
    const rollbackId = rollbackExecutionIdFor('e2', 'Deploy', 1);
    expect(sim.statuses()).toEqual({ e1: 'Succeeded', e2: 'Failed', [rollbackId]: 'Failed' });
    const rollback = sim.execution(rollbackId);
    expect(eventsOfType(sim.executionEvents(rollbackId), 'StageRollbackRequested')).toEqual([]);
    expect(rollback.status === 'Failed' && rollback.failure.message).toMatch(/itself a rollback: it is not rolled back in turn/);
  });

  it('a source revision override pins what the source action fetches', () => {
    const sim = new Simulation({ worker: releaseWorker() });
    sim.start(releasePipeline(), { sourceRevisions: [{ actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionValue: 'feedbee' }] });
    sim.run();
    expect(deploySpecs(sim)[0]!.configuration['Commit']).toBe('feedbee');
  });
});

describe('simulation: the job protocol', () => {
  it('a result delivered twice is applied once; the second is refused', () => {
    const sim = new Simulation({ worker: () => ({ kind: 'succeed', deliverTwice: true }) });
    sim.start(gridPipeline(1, 2));
    sim.run();
    expect(sim.execution('e1').status).toBe('Succeeded');
    expect(eventsOfType(sim.executionEvents('e1'), 'ActionExecutionSucceeded')).toHaveLength(2);
    expect(sim.worker.refused).toHaveLength(2);
    expect(sim.worker.refused.every((error) => error instanceof IllegalStateError)).toBe(true);
  });

  it.each([
    ['not acknowledged', { kind: 'ignore' } as WorkerPlan, 'NotAcknowledged', '2026-03-01T10:01:00.000Z'],
    ['acknowledged, then silent', { kind: 'hang' } as WorkerPlan, 'HeartbeatMissed', '2026-03-01T10:05:00.000Z'],
  ])('a job %s goes back on the queue when its lease runs out, and the next worker finishes it', (_, firstPlan, reason, requeuedAt) => {
    const polls = new Map<string, number>();
    const sim = new Simulation({
      worker: (spec) => {
        polls.set(spec.jobId, (polls.get(spec.jobId) ?? 0) + 1);
        return polls.get(spec.jobId) === 1 ? firstPlan : { kind: 'succeed' };
      },
    });
    sim.start(gridPipeline(1, 1));
    sim.run();
    expect(sim.execution('e1').status).toBe('Succeeded');
    const [jobId] = sim.jobIdsOf('e1', 'Stage1', 'Action1');
    const requeued = sim.jobEvents(jobId!).find((event) => event.type === 'JobRequeued');
    expect(requeued).toMatchObject({ data: { reason, at: requeuedAt } });
  });

  it('a job past its action timeout fails the action as TimedOut', () => {
    const declaration = pipeline([stage('Build', [commandsAction('Compile', 1, { timeoutInMinutes: 5 })])]);
    const sim = new Simulation({ worker: () => ({ kind: 'succeed', afterMs: 10 * 60_000 }) });
    sim.start(declaration);
    sim.run();
    expect(sim.execution('e1').status).toBe('Failed');
    expect(eventsOfType(sim.executionEvents('e1'), 'ActionExecutionFailed')[0]!.data).toMatchObject({ errorType: 'TimedOut', finishedAt: '2026-03-01T10:05:00.000Z' });
    expect(sim.worker.refused).toEqual([expect.any(IllegalStateError)]);
  });

  it('a continuation token keeps the action running in a follow-up job', () => {
    let calls = 0;
    const sim = new Simulation({
      worker: () => ((calls += 1) === 1 ? { kind: 'succeed', result: { continuationToken: 'page-2' } } : { kind: 'succeed' }),
    });
    sim.start(gridPipeline(1, 1));
    sim.run();
    expect(sim.execution('e1').status).toBe('Succeeded');
    const jobs = sim.jobIdsOf('e1', 'Stage1', 'Action1');
    expect(jobs).toHaveLength(2);
    expect(sim.api.job(jobs[0]!)).toMatchObject({ status: 'Succeeded', spec: { continuationToken: null } });
    expect(sim.api.job(jobs[1]!)).toMatchObject({ status: 'Succeeded', spec: { continuationToken: 'page-2' } });
  });
});

describe('simulation: two engine instances racing', () => {
  it('on the same step, one append wins; the other conflicts, decides again and does nothing', () => {
    const sim = new Simulation();
    sim.start(pipeline([stage('Build', [commandsAction('Compile')]), stage('Deploy', [commandsAction('Ship')])]));
    const a = new Engine(sim.store, sim.clock);
    const b = new Engine(sim.store, sim.clock);
    // Each instance brings its own entropy: the same step, proposed with other randomness.
    const withoutMetadata = (commands: ReturnType<typeof nextCommands>) => commands.map(({ aggregate, command: { metadata: _metadata, ...command } }) => ({ aggregate, command }));
    for (let step = 0; step < 2; step += 1) {
      const fromA = nextCommands(a.view('e1'), sim.now(), a.entropy());
      const fromB = nextCommands(b.view('e1'), sim.now(), b.entropy());
      expect(withoutMetadata(fromB)).toEqual(withoutMetadata(fromA));
      const won = fromA.flatMap((command) => a.apply(command));
      const lost = fromB.flatMap((command) => b.apply(command));
      expect(won.length).toBeGreaterThan(0);
      expect(lost).toEqual([]);
    }
    expect(b.conflicts).toBe(2);
    expect(sim.lanesEvents().map((event) => event.type)).toEqual(['ExecutionArrivedAtStage', 'StageEntryGranted']);
    expect(eventsOfType(sim.executionEvents('e1'), 'StageExecutionStarted')).toHaveLength(1);
  });

  it('racing to start an action, each draws its own job id; the append that wins names the one job created', () => {
    const sim = new Simulation();
    sim.start(pipeline([stage('Build', [commandsAction('Compile')])]));
    const a = new Engine(sim.store, sim.clock);
    const b = new Engine(sim.store, sim.clock);
    for (const command of nextCommands(a.view('e1'), sim.now(), a.entropy())) a.apply(command);
    // Both see the stage granted: each proposes EnterStage with its own entropy, so with another job id.
    const enterA = nextCommands(a.view('e1'), sim.now(), a.entropy());
    const enterB = nextCommands(b.view('e1'), sim.now(), b.entropy());
    const drawnBy = (engine: Engine, commands: typeof enterA) => {
      const probe = commands.map((command) => (command.aggregate === 'execution' ? command.command : null)).find((command) => command?.type === 'EnterStage')!;
      const started = decideExecution(probe, engine.execution('e1'), noExecutionContext).find((event) => event.type === 'ActionExecutionStarted');
      return started?.type === 'ActionExecutionStarted' && started.data.work.kind === 'Job' ? started.data.work.jobId : undefined;
    };
    const jobOfA = drawnBy(a, enterA);
    expect(jobOfA).toMatch(/^[0-9a-f]{32}$/);
    expect(drawnBy(b, enterB)).not.toBe(jobOfA);
    expect(enterA.flatMap((command) => a.apply(command)).length).toBeGreaterThan(0);
    expect(enterB.flatMap((command) => b.apply(command))).toEqual([]);
    for (let pass = 0; pass < 3; pass += 1) for (const engine of [a, b]) for (const command of nextCommands(engine.view('e1'), sim.now(), engine.entropy())) engine.apply(command);
    expect(sim.jobIdsOf('e1', 'Build', 'Compile')).toEqual([jobOfA]);
  });

  it('two engines driving the same executions end with each step recorded once', () => {
    const sim = new Simulation({ engines: 2, worker: () => ({ kind: 'succeed', afterMs: 500 }) });
    for (let i = 0; i < 6; i += 1) sim.start(gridPipeline(3, 2, 'QUEUED'));
    sim.run();
    expect(countStatuses(sim)).toEqual({ Succeeded: 6 });
    for (const id of sim.executionIds()) {
      expect(eventsOfType(sim.executionEvents(id), 'ActionExecutionSucceeded')).toHaveLength(6);
      expect(eventsOfType(sim.executionEvents(id), 'StageExecutionStarted')).toHaveLength(3);
    }
    expect(entryOrder(sim.lanesEvents(), 'Stage2')).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
  });
});

it('the source stage fixture is a Source action (guards the fixtures the scenarios rely on)', () => {
  expect(sourceAction().actionTypeId.category).toBe('Source');
});
