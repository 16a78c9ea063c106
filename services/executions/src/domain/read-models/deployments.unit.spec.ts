import type { ExecutionEvent } from '@sluice/contracts';
import type { ActionDeclaration } from '@sluice/domain';
import type { ExecutionCommand } from '../execution/execution-commands';
import { approvalAction, metadataAt, pipeline, sourceAction, stage } from '../testing/fixtures';
import { Simulation } from '../testing/simulation';
import { environmentStates, evolveExecutionDeployments, newestFirst, unpromoted, type Deployment, type ExecutionDeploymentsView } from './deployments';

// Source -> deploy to staging -> approval -> deploy to prod, as a release engineer models it (issue 21).
const deployTo = (name: string, environment: string): ActionDeclaration => ({
  name,
  actionTypeId: { category: 'Deploy', owner: 'Sluice', provider: 'Directory', version: '1' },
  runOrder: 1,
  configuration: { Path: `/srv/${environment}` },
  inputArtifacts: [{ name: 'SourceOutput' }],
  environment,
});
const release = pipeline([
  stage('Source', [sourceAction()]),
  stage('Staging', [deployTo('ToStaging', 'staging')]),
  stage('Gate', [approvalAction()]),
  stage('Production', [deployTo('ToProd', 'prod')]),
]);

/** A worker that fetches `commits[executionId]` for the source, fails the staging deploy of the executions listed, else succeeds. */
function simulation(commits: Record<string, string>, failStagingOf: string[] = []): Simulation {
  return new Simulation({
    worker: (spec) => {
      if (spec.actionTypeId.category === 'Source') {
        const revisionId = commits[spec.executionId]!;
        return { kind: 'succeed', result: { sourceRevision: { actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionId, revisionSummary: `commit ${revisionId}`, revisionUrl: null } } };
      }
      if (spec.actionName === 'ToStaging' && failStagingOf.includes(spec.executionId)) return { kind: 'fail', message: 'disk full' };
      return { kind: 'succeed' };
    },
  });
}

function approve(sim: Simulation, executionId: string, actor: string): void {
  const state = sim.execution(executionId);
  const action = state.status === 'InProgress' ? state.run.stages.find((s) => s.name === 'Gate')?.actions['Approve'] : undefined;
  if (!action || action.status !== 'InProgress' || action.work.kind !== 'Approval') throw new Error(`${executionId} waits for no approval`);
  const command: ExecutionCommand = {
    type: 'PutApprovalResult',
    executionId,
    stageName: 'Gate',
    actionName: 'Approve',
    token: action.work.token,
    result: { status: 'Approved', summary: 'ship it' },
    authorized: true,
    metadata: metadataAt(sim.now(), actor),
  };
  sim.call(command);
}

/**
 * Runs the simulation, answering each entry condition it waits on as the engine's evaluator would with no freeze on:
 * a stage that deploys to an environment is gated by its freezes (environment-freezes.ts).
 */
function runThroughConditions(sim: Simulation): void {
  for (let round = 0; round < 20; round++) {
    sim.run();
    const pending = sim.executionIds().flatMap((executionId) => {
      const state = sim.execution(executionId);
      return state.status === 'InProgress' ? state.run.stages.filter((s) => s.phase.status === 'CheckingCondition').map((s) => ({ executionId, stage: s })) : [];
    });
    if (pending.length === 0) return;
    for (const { executionId, stage } of pending) {
      if (stage.phase.status !== 'CheckingCondition') continue;
      sim.call({ type: 'RecordStageConditionResult', executionId, stageName: stage.name, attempt: stage.attempt, condition: stage.phase.condition, rulesPassed: true, summary: 'no freeze', metadata: metadataAt(sim.now(), 'system') });
    }
  }
}

const deploymentsOf = (sim: Simulation): Deployment[] =>
  sim.executionIds().flatMap((id) => sim.executionEvents(id).reduce<ExecutionDeploymentsView | null>(evolveExecutionDeployments, null)?.deployments ?? []);

describe('deployments: what a pipeline deployed to which environment', () => {
  it('records each deploy with its revisions and the approvals before it; says what runs where and what waits for promotion', () => {
    const sim = simulation({ e1: 'c1', e2: 'c2', e3: 'c3' }, ['e3']);
    sim.start(release);
    runThroughConditions(sim);
    sim.advance(60_000);
    approve(sim, 'e1', 'carol');
    runThroughConditions(sim);
    expect(sim.execution('e1').status).toBe('Succeeded');
    sim.advance(60_000);
    sim.start(release);
    runThroughConditions(sim);
    sim.advance(60_000);
    sim.start(release);
    runThroughConditions(sim);
    expect([sim.execution('e2').status, sim.execution('e3').status]).toEqual(['InProgress', 'Failed']);

    const deployments = deploymentsOf(sim);
    expect(deployments.map((d) => [d.pipelineExecutionId, d.environment, d.status, d.sourceRevisions.map((r) => r.revisionId)])).toEqual([
      ['e1', 'staging', 'Succeeded', ['c1']],
      ['e1', 'prod', 'Succeeded', ['c1']],
      ['e2', 'staging', 'Succeeded', ['c2']],
      ['e3', 'staging', 'Failed', ['c3']],
    ]);
    const prod = deployments.find((d) => d.environment === 'prod')!;
    expect(prod).toMatchObject({ pipelineName: 'web', executionType: 'STANDARD', stageName: 'Production', actionName: 'ToProd', endTime: expect.any(String), failure: null });
    expect(prod.approvals).toEqual([{ stageName: 'Gate', actionName: 'Approve', approvedBy: 'carol', summary: 'ship it', at: expect.any(String) }]);
    // Staging was deployed before anyone approved anything.
    expect(deployments[0]!.approvals).toEqual([]);
    expect(deployments[3]!.failure).toMatch(/disk full/);

    const environments = environmentStates(deployments);
    expect(environments.map((e) => [e.name, e.current?.pipelineExecutionId, e.latest.pipelineExecutionId, e.deployments])).toEqual([
      ['staging', 'e2', 'e3', 3],
      ['prod', 'e1', 'e1', 1],
    ]);
    // c2 is on staging and not yet on prod; c3 never reached staging.
    expect(unpromoted(deployments, 'staging', 'prod').map((d) => d.pipelineExecutionId)).toEqual(['e2']);
    expect(unpromoted(deployments, 'prod', 'staging')).toEqual([]);
    expect(newestFirst(deployments).map((d) => d.pipelineExecutionId)).toEqual(['e3', 'e2', 'e1', 'e1']);
  });

  it('lists every staging deployment as unpromoted while prod has had none, one per revision', () => {
    const sim = simulation({ e1: 'c1', e2: 'c1', e3: 'c2' });
    for (let i = 0; i < 3; i++) {
      sim.start(release);
      runThroughConditions(sim);
      sim.advance(1_000);
    }
    const deployments = deploymentsOf(sim);
    expect(deployments.filter((d) => d.environment === 'prod')).toEqual([]);
    expect(unpromoted(deployments, 'staging', 'prod').map((d) => d.sourceRevisions[0]!.revisionId)).toEqual(['c2', 'c1']);
  });

  it('keeps nothing for an execution whose definition names no environment', () => {
    const events: ExecutionEvent[] = (() => {
      const sim = simulation({ e1: 'c1' });
      sim.start(pipeline([stage('Source', [sourceAction()])]));
      runThroughConditions(sim);
      return sim.executionEvents('e1');
    })();
    expect(events.reduce<ExecutionDeploymentsView | null>(evolveExecutionDeployments, null)).toBeNull();
  });
});
