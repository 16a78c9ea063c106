import type { ActionDeclaration, ErrorCode, PipelineDeclaration } from '@sluice/domain';
import { AccessDeniedError, ConflictError, IllegalStateError, NotFoundError, ValidationError } from '../errors';
import { approvalAction, commandsAction, ENTROPY, metadataAt, pipeline, pipelineRef, releasePipeline, stage, startCommand, T0 } from '../testing/fixtures';
import { drawnApprovalToken, drawnJobId } from '../fresh-ids';
import { deciderSpec } from '@sluice/domain/testing';
import { emptyJobSuccess, type ExecutionEvent } from '@sluice/contracts';
import type { ExecutionCommand, JobOutcome } from './execution-commands';
import { executionDecider, noExecutionContext } from './execution-decider';
import { foldExecution } from './execution-progress';

const given = deciderSpec(executionDecider, noExecutionContext);
const T1 = '2026-03-01T10:00:01.000Z';
const m = metadataAt(T1);

const twoActions = pipeline([stage('Build', [commandsAction('Unit'), commandsAction('Lint'), commandsAction('Package', 2)]), stage('Deploy', [commandsAction('Ship')])]);
const started = (declaration: PipelineDeclaration = twoActions) => executionDecider.decide(startCommand('e1', declaration), { status: 'NotStarted' }, noExecutionContext);
const enter = (stageName = 'Build'): ExecutionCommand => ({ type: 'EnterStage', executionId: 'e1', stageName, metadata: m });
const complete = (actionName: string, outcome: JobOutcome, attempt = 1, stageName = 'Build'): ExecutionCommand => ({
  type: 'CompleteActionJob',
  executionId: 'e1',
  stageName,
  actionName,
  jobId: drawnJobId(ENTROPY, `e1/${stageName}/${actionName}/${attempt}`, 0),
  outcome,
  metadata: m,
});
const ok: JobOutcome = { status: 'Succeeded', result: emptyJobSuccess() };
const failed: JobOutcome = { status: 'Failed', failure: { type: 'JobFailed', message: 'boom', externalExecutionId: null } };

/** Events so far, built by deciding: each `then` below is checked against a real history. */
function history(declaration: PipelineDeclaration, ...commands: ExecutionCommand[]): ExecutionEvent[] {
  return commands.reduce<ExecutionEvent[]>((events, command) => [...events, ...executionDecider.decide(command, foldExecution(events), noExecutionContext)], started(declaration));
}

describe('startPipelineExecution', () => {
  it('records the inputs snapshot: definition version, mode, resolved variables, pinned revisions, trigger', () => {
    const declaration = releasePipeline({ version: 4, executionMode: 'QUEUED' });
    given([])
      .when(
        startCommand('e1', declaration, {
          variables: [{ name: 'TARGET', value: 'prod' }],
          sourceRevisions: [{ actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionValue: 'abc' }],
          clientRequestToken: 'tok-1',
        }),
      )
      .then([
        {
          type: 'PipelineExecutionStarted',
          data: {
            executionId: 'e1',
            inputs: {
              pipeline: pipelineRef,
              definition: { version: 4, declaration },
              executionMode: 'QUEUED',
              variables: [{ name: 'TARGET', value: 'prod' }],
              sourceRevisions: [{ actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionId: 'abc', revisionSummary: null, revisionUrl: null }],
              trigger: { triggerType: 'StartPipelineExecution', triggerDetail: 'alice' },
              clientRequestToken: 'tok-1',
              scope: { kind: 'AllStages' },
            },
            startedBy: 'alice',
            startedAt: T0,
          },
        },
      ]);
  });

  it('the same client request token again: nothing happens (idempotent)', () => {
    const first = executionDecider.decide(startCommand('e1', twoActions, { clientRequestToken: 't' }), { status: 'NotStarted' }, noExecutionContext);
    given(first).when(startCommand('e1', twoActions, { clientRequestToken: 't' })).thenNothingHappened();
  });

  it.each<[string, Partial<Parameters<typeof startCommand>[2]>, PipelineDeclaration, string]>([
    ['an undeclared variable', { variables: [{ name: 'NOPE', value: '1' }] }, releasePipeline(), '$.variables[0].name'],
    ['a variable given twice', { variables: [{ name: 'TARGET', value: '1' }, { name: 'TARGET', value: '2' }] }, releasePipeline(), '$.variables[1].name'],
    ['a variable without default nor value', {}, releasePipeline({ variables: [{ name: 'TARGET' }] }), '$.variables'],
    ['a revision for a non-source action', { sourceRevisions: [{ actionName: 'Compile', revisionType: 'COMMIT_ID', revisionValue: 'x' }] }, releasePipeline(), '$.sourceRevisions[0].actionName'],
  ])('refuses %s with a ValidationError at its path', (_, overrides, declaration, path) => {
    given([])
      .when(startCommand('e1', declaration, overrides))
      .thenThrows(ValidationError, (error) => expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([path]));
  });

  it('refuses an execution id taken by another request', () => {
    given(started()).when(startCommand('e1', twoActions, { clientRequestToken: 'other' })).thenThrows(ConflictError, (error) => expect(error).toMatchObject({ code: 'EXECUTION_ID_IN_USE' }));
  });
});

describe('stages and runOrder', () => {
  it('entering a stage starts every action of its lowest runOrder in the same decision', () => {
    const events = executionDecider.decide(enter(), foldExecution(started()), noExecutionContext);
    expect(events.map((event) => event.type)).toEqual(['StageExecutionStarted', 'ActionExecutionStarted', 'ActionExecutionStarted']);
    expect(events[1]).toMatchObject({ data: { actionName: 'Unit', runOrder: 1, work: { kind: 'Job', jobId: drawnJobId(ENTROPY, 'e1/Build/Unit/1', 0), deadline: '2026-03-01T11:00:01.000Z' } } });
  });

  it('the next runOrder starts only when all before it succeeded', () => {
    const events = history(twoActions, enter(), complete('Unit', ok));
    given(events).when(complete('Lint', ok)).then([
      expect.objectContaining({ type: 'ActionExecutionSucceeded' }),
      expect.objectContaining({ type: 'ActionExecutionStarted', data: expect.objectContaining({ actionName: 'Package', runOrder: 2 }) }),
    ] as ExecutionEvent[]);
  });

  it('a failed action fails nothing while a sibling of its runOrder runs; the sibling ending fails stage and execution', () => {
    const events = history(twoActions, enter());
    given(events).when(complete('Unit', failed)).then([expect.objectContaining({ type: 'ActionExecutionFailed' })] as ExecutionEvent[]);
    const types = executionDecider.decide(complete('Lint', ok), foldExecution(history(twoActions, enter(), complete('Unit', failed))), noExecutionContext).map((e) => e.type);
    expect(types).toEqual(['ActionExecutionSucceeded', 'StageExecutionFailed', 'PipelineExecutionFailed']);
  });

  it('the last stage succeeding succeeds the execution', () => {
    const events = history(twoActions, enter(), complete('Unit', ok), complete('Lint', ok), complete('Package', ok), enter('Deploy'));
    expect(executionDecider.decide(complete('Ship', ok, 1, 'Deploy'), foldExecution(events), noExecutionContext).map((e) => e.type)).toEqual([
      'ActionExecutionSucceeded',
      'StageExecutionSucceeded',
      'PipelineExecutionSucceeded',
    ]);
  });

  it.each<[string, ExecutionCommand]>([
    ['a result for another job id', { ...complete('Unit', ok), jobId: drawnJobId('other-entropy-of-16+', 'e1/Build/Unit/1', 0) } as ExecutionCommand],
    ['a second result for the same job', complete('Unit', ok)],
  ])('ignores %s', (_, command) => {
    given(history(twoActions, enter(), complete('Unit', ok))).when(command).thenNothingHappened();
  });

  it('a repeated grant of the same stage changes nothing', () => {
    given(history(twoActions, enter())).when(enter()).thenNothingHappened();
  });

  it('a declared output artifact missing from the result fails the action', () => {
    const declaration = pipeline([stage('Build', [commandsAction('Compile', 1, { outputArtifacts: [{ name: 'Out' }] })])]);
    const events = executionDecider.decide(complete('Compile', ok), foldExecution(history(declaration, enter())), noExecutionContext);
    expect(events[0]).toMatchObject({ type: 'ActionExecutionFailed', data: { errorType: 'MissingOutputArtifact' } });
  });
});

describe('variables in commands', () => {
  const deployType = { category: 'Deploy', owner: 'Sluice', provider: 'Commands', version: '1' } as const;
  const withEnv = (...actions: ActionDeclaration[]) => pipeline([stage('Deploy', actions)], { variables: [{ name: 'Env', defaultValue: 'staging' }] });
  const startedWith = (declaration: PipelineDeclaration, env: string) =>
    executionDecider.decide(startCommand('e1', declaration, { variables: [{ name: 'Env', value: env }] }), { status: 'NotStarted' }, noExecutionContext);
  const hostile = 'x; cat /root/.sluice/admin-token';
  const stageStarted = { type: 'StageExecutionStarted', data: { stageName: 'Deploy', attempt: 1, retryMode: null, startedAt: T1 } } as ExecutionEvent;
  const actionStarted = (actionName: string, data: Partial<Extract<ExecutionEvent, { type: 'ActionExecutionStarted' }>['data']>): ExecutionEvent => ({
    type: 'ActionExecutionStarted',
    data: {
      stageName: 'Deploy',
      actionName,
      actionExecutionId: `e1/Deploy/${actionName}/1`,
      attempt: 1,
      runOrder: 1,
      actionTypeId: deployType,
      resolvedConfiguration: {},
      resolvedCommands: [],
      resolvedEnvironmentVariables: [],
      inputArtifacts: [],
      namespace: null,
      work: { kind: 'Job', jobId: drawnJobId(ENTROPY, `e1/Deploy/${actionName}/1`, 0), deadline: '2026-03-01T11:00:01.000Z', continuationToken: null },
      startedAt: T1,
      ...data,
    },
  });

  it('a value passed at start reaches the commands as an environment variable they expand, never as shell text', () => {
    const ship = commandsAction('Ship', 1, {
      actionTypeId: deployType,
      commands: ['echo deploying to #{variables.Env}', "echo 'run #{codepipeline.PipelineExecutionId} to #{variables.Env}'"],
      environmentVariables: [{ name: 'TARGET', value: 'web-#{variables.Env}' }],
    });
    given(startedWith(withEnv(ship), hostile))
      .when(enter('Deploy'))
      .then([
        stageStarted,
        actionStarted('Ship', {
          resolvedCommands: ['echo deploying to "${variables_Env}"', `echo 'run '"\${codepipeline_PipelineExecutionId}"' to '"\${variables_Env}"''`],
          resolvedEnvironmentVariables: [
            { name: 'TARGET', value: `web-${hostile}`, type: 'PLAINTEXT' },
            { name: 'variables_Env', value: hostile, type: 'PLAINTEXT' },
            { name: 'codepipeline_PipelineExecutionId', value: 'e1', type: 'PLAINTEXT' },
          ],
        }),
      ]);
  });

  it('the Commands configuration too, read as one script; a declared variable of the same name comes before, so the value wins', () => {
    const ship = commandsAction('Ship', 1, {
      actionTypeId: deployType,
      commands: undefined,
      configuration: { Commands: 'cat <<EOF\nto #{variables.Env}\nEOF\necho "#{variables.Env}"' },
      environmentVariables: [{ name: 'variables_Env', value: 'declared' }],
    });
    given(startedWith(withEnv(ship), hostile))
      .when(enter('Deploy'))
      .then([
        stageStarted,
        actionStarted('Ship', {
          resolvedConfiguration: { Commands: 'cat <<EOF\nto ${variables_Env}\nEOF\necho "${variables_Env}"' },
          resolvedEnvironmentVariables: [
            { name: 'variables_Env', value: 'declared', type: 'PLAINTEXT' },
            { name: 'variables_Env', value: hostile, type: 'PLAINTEXT' },
          ],
        }),
      ]);
  });

  it('texts that are no shell commands get the value itself', () => {
    const call: ActionDeclaration = {
      name: 'Notify',
      actionTypeId: { category: 'Invoke', owner: 'Sluice', provider: 'Http', version: '1' },
      runOrder: 1,
      configuration: { Url: 'https://hooks.example.com/deploy', Body: '{"env":"#{variables.Env}"}' },
    };
    given(startedWith(withEnv(call), hostile))
      .when(enter('Deploy'))
      .then([
        stageStarted,
        actionStarted('Notify', { actionTypeId: call.actionTypeId, resolvedConfiguration: { Url: 'https://hooks.example.com/deploy', Body: `{"env":"${hostile}"}` } }),
      ]);
  });

  it('unresolved or unsafe references fail the action, naming every one', () => {
    const ship = commandsAction('Ship', 1, {
      actionTypeId: deployType,
      commands: ['echo #{variables.Nope}', 'sleep $(( #{variables.Env} * 60 ))'],
      configuration: { Commands: 'echo #{Build.Tag}' },
    });
    given(startedWith(withEnv(ship), '1'))
      .when(enter('Deploy'))
      .then([
        stageStarted,
        actionStarted('Ship', {
          resolvedConfiguration: { Commands: 'echo #{Build.Tag}' },
          resolvedCommands: ['echo #{variables.Nope}', 'sleep $(( #{variables.Env} * 60 ))'],
          work: { kind: 'None' },
        }),
        {
          type: 'ActionExecutionFailed',
          data: {
            stageName: 'Deploy',
            actionName: 'Ship',
            actionExecutionId: 'e1/Deploy/Ship/1',
            errorType: 'UnresolvedVariable',
            message:
              'Unresolved variable reference: #{Build.Tag} in configuration.Commands: no action with the namespace "Build" has succeeded in this execution; ' +
              '#{variables.Nope} in commands[0]: the pipeline has no variable "Nope"; ' +
              '#{variables.Env} in commands[1]: inside $((…)) or ((…)) bash evaluates a value as an expression, which can run commands: check $variables_Env (e.g. [[ $variables_Env =~ ^[0-9]+$ ]]) and use it',
            externalExecutionId: null,
            finishedAt: T1,
          },
        },
        expect.objectContaining({ type: 'StageExecutionFailed' }),
        expect.objectContaining({ type: 'PipelineExecutionFailed' }),
      ] as ExecutionEvent[]);
  });
});

describe('stage conditions', () => {
  const gated = (result: 'FAIL' | 'SKIP') =>
    pipeline([stage('Build', [commandsAction('Compile')], { beforeEntry: { conditions: [{ result, rules: [{ name: 'r', ruleTypeId: { category: 'Rule', provider: 'DeploymentWindow' } }] }] } }), stage('Deploy', [commandsAction('Ship')])]);
  const answer = (condition: 'beforeEntry' | 'onSuccess' | 'onFailure', rulesPassed: boolean, stageName = 'Build'): ExecutionCommand => ({
    type: 'RecordStageConditionResult',
    executionId: 'e1',
    stageName,
    attempt: 1,
    condition,
    rulesPassed,
    summary: 'outside the window',
    metadata: m,
  });

  it('entering a gated stage waits for its beforeEntry condition before any action', () => {
    expect(executionDecider.decide(enter(), foldExecution(started(gated('FAIL'))), noExecutionContext).map((e) => e.type)).toEqual(['StageExecutionStarted', 'StageConditionCheckStarted']);
  });

  it.each<['FAIL' | 'SKIP', boolean, string[]]>([
    ['FAIL', true, ['StageConditionEvaluated', 'ActionExecutionStarted']],
    ['FAIL', false, ['StageConditionEvaluated', 'StageExecutionFailed', 'PipelineExecutionFailed']],
    ['SKIP', false, ['StageConditionEvaluated', 'StageExecutionSkipped']],
  ])('beforeEntry %s with rules passed=%s', (result, rulesPassed, types) => {
    const events = executionDecider.decide(answer('beforeEntry', rulesPassed), foldExecution(history(gated(result), enter())), noExecutionContext);
    expect(events.map((e) => e.type)).toEqual(types);
  });

  it("records each rule's verdict with the condition's, for ListRuleExecutions", () => {
    const rules = [{ ruleName: 'r', ruleTypeId: { category: 'Rule' as const, owner: 'AWS', provider: 'DeploymentWindow', version: '1' }, configuration: {}, passed: false, message: 'outside the window' }];
    const [evaluated] = executionDecider.decide({ ...answer('beforeEntry', false), rules } as ExecutionCommand, foldExecution(history(gated('FAIL'), enter())), noExecutionContext);
    expect(evaluated).toEqual({ type: 'StageConditionEvaluated', data: expect.objectContaining({ stageName: 'Build', condition: 'beforeEntry', rulesPassed: false, applied: 'FAIL', rules }) });
  });

  it('a stale answer (another condition) changes nothing', () => {
    given(history(gated('FAIL'), enter())).when(answer('onSuccess', false)).thenNothingHappened();
  });

  it.each<[string, PipelineDeclaration['stages'][number]['onFailure'], string[]]>([
    ['RETRY (once, failed actions)', { result: 'RETRY', retryConfiguration: { retryMode: 'FAILED_ACTIONS' } }, ['ActionExecutionFailed', 'StageExecutionFailed', 'StageRetryRequested']],
    ['SKIP', { result: 'SKIP' }, ['ActionExecutionFailed', 'StageExecutionSkipped']],
    ['ROLLBACK', { result: 'ROLLBACK' }, ['ActionExecutionFailed', 'StageExecutionFailed', 'StageRollbackRequested', 'PipelineExecutionFailed']],
    ['with conditions: asks the evaluator first', { result: 'RETRY', conditions: [{ rules: [] }, { rules: [] }] }, ['ActionExecutionFailed', 'StageConditionCheckStarted']],
  ])('onFailure %s', (_, onFailure, types) => {
    const declaration = pipeline([stage('Build', [commandsAction('Compile')], { onFailure }), stage('Deploy', [commandsAction('Ship')])]);
    expect(executionDecider.decide(complete('Compile', failed), foldExecution(history(declaration, enter())), noExecutionContext).map((e) => e.type)).toEqual(types);
  });

  it('an automatic retry happens once; the second failure is final', () => {
    const declaration = pipeline([stage('Build', [commandsAction('Compile')], { onFailure: { result: 'RETRY' } })]);
    const events = history(declaration, enter(), complete('Compile', failed), enter());
    expect(executionDecider.decide(complete('Compile', failed, 2), foldExecution(events), noExecutionContext).map((e) => e.type)).toEqual([
      'ActionExecutionFailed',
      'StageExecutionFailed',
      'PipelineExecutionFailed',
    ]);
  });

  it('onSuccess ROLLBACK when its rules fail', () => {
    const declaration = pipeline([stage('Build', [commandsAction('Compile')], { onSuccess: { conditions: [{ result: 'ROLLBACK', rules: [] }] } })]);
    const events = history(declaration, enter(), complete('Compile', ok));
    expect(foldExecution(events)).toMatchObject({ run: { stages: [{ phase: { status: 'CheckingCondition', condition: 'onSuccess' } }] } });
    expect(executionDecider.decide(answer('onSuccess', false), foldExecution(events), noExecutionContext).map((e) => e.type)).toEqual([
      'StageConditionEvaluated',
      'StageExecutionFailed',
      'StageRollbackRequested',
      'PipelineExecutionFailed',
    ]);
  });
});

describe('stopPipelineExecution', () => {
  const stop = (abandon: boolean, reason = 'oops'): ExecutionCommand => ({ type: 'StopPipelineExecution', executionId: 'e1', abandon, reason, metadata: m });

  it('stop and wait: Stopping while actions run, nothing new starts after them', () => {
    const events = history(twoActions, enter(), stop(false));
    expect(foldExecution(events).status).toBe('Stopping');
    const after = history(twoActions, enter(), stop(false), complete('Unit', ok), complete('Lint', ok));
    expect(after.map((e) => e.type).slice(-3)).toEqual(['ActionExecutionSucceeded', 'StageExecutionStopped', 'PipelineExecutionStopped']);
  });

  it('abandon: running actions abandoned, Stopped at once', () => {
    given(history(twoActions, enter()))
      .when(stop(true))
      .then([
        { type: 'ActionExecutionAbandoned', data: { stageName: 'Build', actionName: 'Unit', actionExecutionId: 'e1/Build/Unit/1', reason: 'oops', at: T1 } },
        { type: 'ActionExecutionAbandoned', data: { stageName: 'Build', actionName: 'Lint', actionExecutionId: 'e1/Build/Lint/1', reason: 'oops', at: T1 } },
        { type: 'StageExecutionStopped', data: { stageName: 'Build', attempt: 1, at: T1 } },
        { type: 'PipelineExecutionStopped', data: { reason: 'oops', abandoned: true, stoppedBy: 'alice', at: T1 } },
      ]);
  });

  it('stopping while waiting for a stage stops at once', () => {
    expect(executionDecider.decide(stop(false), foldExecution(started()), noExecutionContext).map((e) => e.type)).toEqual(['PipelineExecutionStopping', 'PipelineExecutionStopped']);
  });

  it.each<[string, () => ExecutionEvent[], ExecutionCommand, abstract new (...args: never[]) => Error, ErrorCode]>([
    ['an unknown execution', () => [], stop(false), NotFoundError, 'EXECUTION_NOT_FOUND'],
    ['a finished execution', () => history(twoActions, enter(), stop(true)), stop(false), IllegalStateError, 'EXECUTION_NOT_STOPPABLE'],
    ['a second stop and wait', () => history(twoActions, enter(), stop(false)), stop(false), ConflictError, 'EXECUTION_ALREADY_STOPPING'],
    ['a reason over 200 characters', () => started(), stop(false, 'x'.repeat(201)), ValidationError, 'INVALID_INPUT'],
  ])('refuses %s', (_, events, command, error, code) => {
    given(events()).when(command).thenThrows(error, (thrown) => expect(thrown).toMatchObject({ code }));
  });
});

describe('retryStageExecution', () => {
  const retry = (retryMode: 'FAILED_ACTIONS' | 'ALL_ACTIONS', latest: string | null = null, stageName = 'Build'): ExecutionCommand => ({
    type: 'RetryStageExecution',
    executionId: 'e1',
    stageName,
    retryMode,
    latestExecutionInStage: latest,
    metadata: m,
  });
  const failedRun = () => history(twoActions, enter(), complete('Unit', failed), complete('Lint', ok));

  it.each([
    ['FAILED_ACTIONS', ['Unit']],
    ['ALL_ACTIONS', ['Unit', 'Lint']],
  ] as const)('%s: on re-entry, runs %j again as attempt 2', (retryMode, actions) => {
    const events = history(twoActions, enter(), complete('Unit', failed), complete('Lint', ok), retry(retryMode), enter());
    const restarted = events.slice(-actions.length).map((event) => (event.type === 'ActionExecutionStarted' ? [event.data.actionName, event.data.attempt] : event.type));
    expect(restarted).toEqual(actions.map((name) => [name, 2]));
  });

  it.each<[string, () => ExecutionEvent[], ExecutionCommand, abstract new (...args: never[]) => Error, ErrorCode]>([
    ['an execution in progress', () => history(twoActions, enter()), retry('ALL_ACTIONS'), IllegalStateError, 'STAGE_NOT_RETRYABLE'],
    ['a stage that did not fail', () => failedRun(), retry('ALL_ACTIONS', null, 'Deploy'), IllegalStateError, 'STAGE_NOT_RETRYABLE'],
    ['an unknown stage', () => failedRun(), retry('ALL_ACTIONS', null, 'Nope'), NotFoundError, 'STAGE_NOT_FOUND'],
    ['a stage a newer execution has entered', () => failedRun(), retry('ALL_ACTIONS', 'e2'), ConflictError, 'NOT_LATEST_EXECUTION'],
  ])('refuses %s', (_, events, command, error, code) => {
    given(events()).when(command).thenThrows(error, (thrown) => expect(thrown).toMatchObject({ code }));
  });
});

describe('putApprovalResult and expiry', () => {
  const gate = pipeline([stage('Gate', [approvalAction()])]);
  const waiting = () => history(gate, enter('Gate'));
  const token = drawnApprovalToken(ENTROPY, 'e1/Gate/Approve/1');
  const put = (overrides: Partial<Extract<ExecutionCommand, { type: 'PutApprovalResult' }>> = {}): ExecutionCommand => ({
    type: 'PutApprovalResult',
    executionId: 'e1',
    stageName: 'Gate',
    actionName: 'Approve',
    token,
    result: { status: 'Approved', summary: 'ok' },
    authorized: true,
    metadata: m,
    ...overrides,
  });

  it('asks with a token and a 7 day expiry', () => {
    expect(waiting()[2]).toMatchObject({ data: { work: { kind: 'Approval', token, expiresAt: '2026-03-08T10:00:01.000Z' } } });
  });

  it('approved: recorded with the principal, the action succeeds', () => {
    expect(executionDecider.decide(put(), foldExecution(waiting()), noExecutionContext).slice(0, 2)).toEqual([
      { type: 'ApprovalResultRecorded', data: { stageName: 'Gate', actionName: 'Approve', token, status: 'Approved', summary: 'ok', approvedBy: 'alice', at: T1 } },
      expect.objectContaining({ type: 'ActionExecutionSucceeded', data: expect.objectContaining({ summary: 'ok' }) }),
    ]);
  });

  it.each<[string, ExecutionCommand, abstract new (...args: never[]) => Error, ErrorCode]>([
    ['a wrong token', put({ token: drawnApprovalToken('other-entropy-of-16+', 'e1/Gate/Approve/1') }), ValidationError, 'INVALID_APPROVAL_TOKEN'],
    ['a principal the authorization port refused', put({ authorized: false }), AccessDeniedError, 'ACCESS_DENIED'],
    ['an unknown action', put({ actionName: 'Nope' }), NotFoundError, 'ACTION_NOT_FOUND'],
    ['a summary over 512 characters', put({ result: { status: 'Approved', summary: 'x'.repeat(513) } }), ValidationError, 'INVALID_INPUT'],
  ])('refuses %s', (_, command, error, code) => {
    given(waiting()).when(command).thenThrows(error, (thrown) => expect(thrown).toMatchObject({ code }));
  });

  it('refuses a second answer as already completed', () => {
    given(history(gate, enter('Gate'), put())).when(put()).thenThrows(IllegalStateError, (error) => expect(error).toMatchObject({ code: 'APPROVAL_ALREADY_COMPLETED' }));
  });

  it('refuses an answer to an approval that has not started as an invalid token', () => {
    const later = pipeline([stage('Gate', [commandsAction('Check'), approvalAction('Approve', 2)])]);
    given(history(later, enter('Gate'))).when(put()).thenThrows(IllegalStateError, (error) => expect(error).toMatchObject({ code: 'INVALID_APPROVAL_TOKEN' }));
  });

  it.each([
    ['before the deadline: nothing', '2026-03-08T10:00:00.999Z', []],
    ['at the deadline: the action and the execution fail', '2026-03-08T10:00:01.000Z', ['ActionExecutionFailed', 'StageExecutionFailed', 'PipelineExecutionFailed']],
  ])('expire %s', (_, now, types) => {
    const expire: ExecutionCommand = { type: 'ExpireApproval', executionId: 'e1', stageName: 'Gate', actionName: 'Approve', token, metadata: metadataAt(now) };
    expect(executionDecider.decide(expire, foldExecution(waiting()), noExecutionContext).map((e) => e.type)).toEqual(types);
  });
});

describe('rerunStage and rollback', () => {
  const rerun = (reason: 'Rerun' | 'Rollback', stageName = 'Deploy'): ExecutionCommand => ({
    type: 'RerunStage',
    executionId: 'r1',
    sourceExecutionId: 'e1',
    stageName,
    reason,
    automatic: false,
    clientRequestToken: null,
    metadata: m,
  });
  const decideWith = (command: ExecutionCommand, source: ExecutionEvent[] | null) =>
    executionDecider.decide(command, { status: 'NotStarted' }, { sourceExecution: source === null ? null : foldExecution(source) });

  it('a re-run copies the source execution\'s inputs and scopes the run to one stage', () => {
    const [startedEvent] = decideWith(rerun('Rerun'), history(twoActions, enter(), complete('Unit', failed), complete('Lint', ok)));
    expect(startedEvent).toMatchObject({
      data: { executionId: 'r1', inputs: { definition: { declaration: twoActions }, trigger: { triggerType: 'RerunStage', triggerDetail: 'e1' }, scope: { kind: 'SingleStage', stageName: 'Deploy' } } },
    });
    expect(foldExecution([startedEvent!])).toMatchObject({ run: { stages: [{ phase: { status: 'NotStarted' } }, { phase: { status: 'AwaitingEntry' } }] } });
  });

  it.each<[string, ExecutionCommand, ExecutionEvent[] | null, new (...args: never[]) => Error, ErrorCode]>([
    ['an unknown source execution', rerun('Rerun'), null, NotFoundError, 'EXECUTION_NOT_FOUND'],
    ['an unknown stage', rerun('Rerun', 'Nope'), started(), NotFoundError, 'STAGE_NOT_FOUND'],
    ['a rollback to an execution whose stage did not succeed', rerun('Rollback'), started(), IllegalStateError, 'UNABLE_TO_ROLLBACK_STAGE'],
  ])('refuses %s', (_, command, source, error, code) => {
    let thrown: unknown;
    try {
      decideWith(command, source);
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toBeInstanceOf(error);
    expect(thrown).toMatchObject({ code });
  });
});

describe('OverrideStageCondition', () => {
  const rule = { name: 'Window', ruleTypeId: { category: 'Rule' as const, provider: 'DeploymentWindow' } };
  const entryGated = (result: 'FAIL' | 'SKIP' = 'FAIL') => pipeline([stage('Build', [commandsAction('Compile')], { beforeEntry: { conditions: [{ result, rules: [rule] }] } }), stage('Deploy', [commandsAction('Ship')])]);
  const successGated = pipeline([stage('Build', [commandsAction('Compile')], { onSuccess: { conditions: [{ result: 'FAIL', rules: [rule] }] } }), stage('Deploy', [commandsAction('Ship')])]);
  const answer = (condition: 'beforeEntry' | 'onSuccess', rulesPassed: boolean): ExecutionCommand => ({ type: 'RecordStageConditionResult', executionId: 'e1', stageName: 'Build', attempt: 1, condition, rulesPassed, summary: 'outside the window', metadata: m });
  const override = (condition: 'beforeEntry' | 'onSuccess', latestExecutionInStage: string | null = 'e1'): ExecutionCommand => ({ type: 'OverrideStageCondition', executionId: 'e1', stageName: 'Build', condition, latestExecutionInStage, metadata: m });
  const overridden = (condition: 'beforeEntry' | 'onSuccess'): ExecutionEvent => ({ type: 'StageConditionOverridden', data: { stageName: 'Build', attempt: 1, condition, overriddenBy: 'alice', at: T1 } });
  const decided = (events: ExecutionEvent[], command: ExecutionCommand) => executionDecider.decide(command, foldExecution(events), noExecutionContext);

  it('lets the stage in while its entry condition is being checked, and a late verdict changes nothing', () => {
    const checking = history(entryGated(), enter());
    const events = decided(checking, override('beforeEntry'));
    expect(events[0]).toEqual(overridden('beforeEntry'));
    expect(events.slice(1).map((event) => event.type)).toEqual(['ActionExecutionStarted']);
    given([...checking, ...events]).when(answer('beforeEntry', false)).thenNothingHappened();
  });

  it('resumes an execution its entry condition failed: the stage waits for entry, then runs without the condition', () => {
    const failedAtEntry = history(entryGated(), enter(), answer('beforeEntry', false));
    expect(foldExecution(failedAtEntry).status).toBe('Failed');
    given(failedAtEntry).when(override('beforeEntry')).then([overridden('beforeEntry')]);
    const resumed = [...failedAtEntry, overridden('beforeEntry')];
    expect(foldExecution(resumed).status).toBe('InProgress');
    expect(decided(resumed, enter()).map((event) => event.type)).toEqual(['StageExecutionStarted', 'ActionExecutionStarted']);
  });

  it('resumes an execution its success condition failed: the stage succeeds and the next one waits for entry', () => {
    const failedOnSuccess = history(successGated, enter(), complete('Compile', ok), answer('onSuccess', false));
    expect(foldExecution(failedOnSuccess).status).toBe('Failed');
    given(failedOnSuccess).when(override('onSuccess')).then([overridden('onSuccess'), { type: 'StageExecutionSucceeded', data: { stageName: 'Build', attempt: 1, at: T1 } }]);
    const resumed = foldExecution([...failedOnSuccess, ...decided(failedOnSuccess, override('onSuccess'))]);
    expect(resumed.status).toBe('InProgress');
    expect(resumed.status !== 'NotStarted' && resumed.run.stages.map((s) => s.phase.status)).toEqual(['Succeeded', 'AwaitingEntry']);
  });

  it.each<[string, () => ExecutionEvent[], ExecutionCommand, abstract new (...args: never[]) => Error, ErrorCode]>([
    ['a condition the stage does not declare', () => history(entryGated(), enter(), answer('beforeEntry', false)), override('onSuccess'), IllegalStateError, 'CONDITION_NOT_OVERRIDABLE'],
    ['a condition that passed', () => history(entryGated(), enter(), answer('beforeEntry', true)), override('beforeEntry'), IllegalStateError, 'CONDITION_NOT_OVERRIDABLE'],
    ['a condition that skipped the stage', () => history(entryGated('SKIP'), enter(), answer('beforeEntry', false)), override('beforeEntry'), IllegalStateError, 'CONDITION_NOT_OVERRIDABLE'],
    ['a stage whose action failed, not its condition', () => history(successGated, enter(), complete('Compile', failed)), override('onSuccess'), IllegalStateError, 'CONDITION_NOT_OVERRIDABLE'],
    ['an execution another has overtaken in the stage', () => history(entryGated(), enter(), answer('beforeEntry', false)), override('beforeEntry', 'e2'), ConflictError, 'NOT_LATEST_EXECUTION'],
  ])('refuses %s', (_title, events, command, errorClass, code) => {
    given(events()).when(command).thenThrows(errorClass, (error) => expect(error).toMatchObject({ code }));
  });
});
