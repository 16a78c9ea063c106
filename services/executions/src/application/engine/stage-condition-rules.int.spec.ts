import type { ActionTypeId, PipelineDeclaration, RuleDeclaration } from '@sluice/domain';
import type { Caller } from '../caller';
import type { StageConditionEvaluated } from '@sluice/contracts';
import { commandsAction, pipeline, stage } from '../../domain/testing/fixtures';
import { eventually } from '../../testing/eventually';
import { engineWithWorkerForFile } from '../../testing/engine-with-worker';

// Stage conditions with VariableCheck rules, evaluated by the engine's built-in rules on the real store: the
// Source action exports the branch it was given into its namespace, and the Deploy stage's conditions check it.
const alice: Caller = { account: 'acme', actor: 'alice' };
const commands: ActionTypeId = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
const TERMINAL = ['Succeeded', 'Failed', 'Stopped', 'Superseded'];


const variableCheck = (name: string, variable: string, operator: string, value: string): RuleDeclaration => ({
  name,
  ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' },
  configuration: { Variable: variable, Operator: operator, Value: value },
});

/** Source exports BranchName (from the BRANCH pipeline variable) into SourceVariables; Deploy exports Health into DeployVariables. */
const gatedPipeline = (name: string, deployExtra: Parameters<typeof stage>[2]): PipelineDeclaration =>
  pipeline(
    [
      stage('Source', [commandsAction('Checkout', 1, { namespace: 'SourceVariables', configuration: { Branch: '#{variables.BRANCH}' } })]),
      stage('Deploy', [commandsAction('Ship', 1, { namespace: 'DeployVariables', configuration: { Health: '#{variables.HEALTH}' } })], deployExtra),
    ],
    { name, executionMode: 'PARALLEL', variables: [{ name: 'BRANCH', defaultValue: 'main' }, { name: 'HEALTH', defaultValue: 'green' }] },
  );

const onMain = { beforeEntry: { conditions: [{ result: 'FAIL' as const, rules: [variableCheck('OnlyMain', '#{SourceVariables.BranchName}', 'EQ', 'main')] }] } };

async function publish(declaration: PipelineDeclaration): Promise<void> {
  const version = await engineAndWorker.env.publisher.publish(declaration);
  await engineAndWorker.engine.pipelineCatalog.whenKnown({ account: 'acme', name: declaration.name }, version);
}

async function run(pipelineName: string, variables: Array<{ name: string; value: string }> = []) {
  const { pipelineExecutionId } = await engineAndWorker.engine.startPipelineExecution(alice, { name: pipelineName, variables });
  let status = '';
  await eventually(
    async () => TERMINAL.includes((status = (await engineAndWorker.engine.getPipelineExecution(alice, pipelineName, pipelineExecutionId)).status)),
    () => `${pipelineExecutionId} is ${status}`,
    30_000,
  );
  const execution = await engineAndWorker.engine.getPipelineExecution(alice, pipelineName, pipelineExecutionId);
  const evaluated = (await engineAndWorker.env.eventsOf(`execution-${pipelineExecutionId}`))
    .filter((event) => event.type === 'StageConditionEvaluated')
    .map((event) => (event.data as StageConditionEvaluated['data']));
  const ran = (await engineAndWorker.engine.listActionExecutions(alice, pipelineName, { pipelineExecutionId })).actionExecutionDetails.map((detail) => `${detail.stageName}.${detail.actionName}:${detail.status}`);
  const rules = (await engineAndWorker.engine.listRuleExecutions(alice, pipelineName, { pipelineExecutionId })).ruleExecutionDetails;
  return { execution, evaluated, ran, rules, pipelineExecutionId };
}

const engineAndWorker = engineWithWorkerForFile({
    actionTypeIds: [commands],
    pollWaitMs: 500,
    plan: (job) => {
      const { Branch, Health } = job.data.configuration;
      const outputVariables: Record<string, string> = Branch !== undefined ? { BranchName: Branch } : Health !== undefined ? { Health } : {};
      return { kind: 'succeed', result: { outputVariables } };
    },
  });

describe('stage conditions with VariableCheck rules', () => {
  beforeAll(async () => {
    await publish(gatedPipeline('gated-entry', onMain));
  });

  it('enters the stage when the beforeEntry check passes', async () => {
    const { execution, evaluated, ran } = await run('gated-entry');
    expect(execution.status).toBe('Succeeded');
    expect(ran).toEqual(['Source.Checkout:Succeeded', 'Deploy.Ship:Succeeded']);
    expect(evaluated).toEqual([
      expect.objectContaining({
        stageName: 'Deploy',
        condition: 'beforeEntry',
        rulesPassed: true,
        applied: 'PROCEED',
        summary: 'rules passed: OnlyMain (VariableCheck): #{SourceVariables.BranchName} = "main" EQ "main"',
      }),
    ]);
  });

  it('records each rule evaluation for ListRuleExecutions, with its verdict, in the execution stream', async () => {
    const passed = await run('gated-entry');
    const failed = await run('gated-entry', [{ name: 'BRANCH', value: 'feature/x' }]);
    const ruleTypeId = { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' };
    const configuration = { Variable: '#{SourceVariables.BranchName}', Operator: 'EQ', Value: 'main' };
    expect(passed.rules).toEqual([
      expect.objectContaining({ pipelineExecutionId: passed.pipelineExecutionId, stageName: 'Deploy', ruleName: 'OnlyMain', condition: 'beforeEntry', status: 'Succeeded', input: { ruleTypeId, configuration } }),
    ]);
    expect(failed.rules).toEqual([
      expect.objectContaining({ stageName: 'Deploy', ruleName: 'OnlyMain', status: 'Failed', output: { passed: false, summary: '#{SourceVariables.BranchName} = "feature/x" not EQ "main"' } }),
    ]);
    expect(failed.rules[0]!.ruleExecutionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(failed.evaluated[0]!.rules).toEqual([{ ruleName: 'OnlyMain', ruleTypeId, configuration, passed: false, message: '#{SourceVariables.BranchName} = "feature/x" not EQ "main"' }]);
    // Every execution's, newest first; an unknown pipeline is not found.
    const all = (await engineAndWorker.engine.listRuleExecutions(alice, 'gated-entry')).ruleExecutionDetails.map((detail) => detail.pipelineExecutionId);
    expect(all.indexOf(failed.pipelineExecutionId)).toBeLessThan(all.indexOf(passed.pipelineExecutionId));
    await expect(engineAndWorker.engine.listRuleExecutions(alice, 'no-such-pipeline')).rejects.toThrow(expect.objectContaining({ code: 'PIPELINE_NOT_FOUND' }));
  });

  it('fails the execution at the stage, naming the rule, when the beforeEntry check fails', async () => {
    const { execution, evaluated, ran } = await run('gated-entry', [{ name: 'BRANCH', value: 'feature/x' }]);
    expect(execution.status).toBe('Failed');
    expect(execution.statusSummary).toContain('Deploy');
    expect(execution.statusSummary).toContain('OnlyMain (VariableCheck): #{SourceVariables.BranchName} = "feature/x" not EQ "main"');
    expect(ran).toEqual(['Source.Checkout:Succeeded']);
    expect(evaluated).toEqual([expect.objectContaining({ stageName: 'Deploy', condition: 'beforeEntry', rulesPassed: false, applied: 'FAIL' })]);
    expect((await engineAndWorker.engine.getPipelineState(alice, 'gated-entry')).stageStates[1]?.latestExecution?.status).toBe('Failed');
  });

  it('fails a stage whose onSuccess check fails, on the variables its own action exported', async () => {
    const healthy = { onSuccess: { conditions: [{ result: 'FAIL' as const, rules: [variableCheck('Healthy', '#{DeployVariables.Health}', 'EQ', 'green')] }] } };
    await publish(gatedPipeline('gated-success', healthy));
    expect((await run('gated-success')).execution.status).toBe('Succeeded');
    const { execution, evaluated, ran } = await run('gated-success', [{ name: 'HEALTH', value: 'red' }]);
    expect(execution.status).toBe('Failed');
    expect(execution.statusSummary).toContain('Healthy (VariableCheck)');
    expect(ran).toEqual(['Source.Checkout:Succeeded', 'Deploy.Ship:Succeeded']);
    expect(evaluated).toEqual([expect.objectContaining({ stageName: 'Deploy', condition: 'onSuccess', rulesPassed: false, applied: 'FAIL' })]);
  });

  it('skips a failed stage when an onFailure condition with a passing check says SKIP', async () => {
    const broken = pipeline(
      [
        stage('Source', [commandsAction('Checkout', 1, { namespace: 'SourceVariables', configuration: { Branch: '#{variables.BRANCH}' } })]),
        stage('Experimental', [commandsAction('Broken', 1, { configuration: { Missing: '#{SourceVariables.Nope}' } })], {
          onFailure: { result: 'SKIP', conditions: [{ result: 'SKIP', rules: [variableCheck('FeatureBranch', '#{SourceVariables.BranchName}', 'MATCHES', 'feature/.+')] }] },
        }),
        stage('Deploy', [commandsAction('Ship')]),
      ],
      { name: 'skippable', executionMode: 'PARALLEL', variables: [{ name: 'BRANCH', defaultValue: 'main' }] },
    );
    await publish(broken);
    const onFeature = await run('skippable', [{ name: 'BRANCH', value: 'feature/x' }]);
    expect(onFeature.evaluated).toEqual([expect.objectContaining({ stageName: 'Experimental', condition: 'onFailure', rulesPassed: true, applied: 'SKIP' })]);
    expect(onFeature.execution.status).toBe('Succeeded');
    expect(onFeature.ran).toContain('Deploy.Ship:Succeeded');
    const onMainBranch = await run('skippable');
    expect(onMainBranch.evaluated).toEqual([expect.objectContaining({ stageName: 'Experimental', condition: 'onFailure', rulesPassed: false, applied: 'FAIL' })]);
    expect(onMainBranch.execution.status).toBe('Failed');
  });

  it('reported no engine errors', () => {
    expect(engineAndWorker.env.errors).toEqual([]);
  });
});
