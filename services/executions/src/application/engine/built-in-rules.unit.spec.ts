import type { Condition, RuleDeclaration } from '@sluice/domain';
import { builtInRules } from './built-in-rules';
import { ruleEvaluators, type StageConditionRequest } from './stage-condition-evaluator';
import { variableCheckRule } from './variable-check-rule';

const variableCheck = (configuration: Record<string, string>, name = 'Check'): RuleDeclaration => ({
  name,
  ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' },
  configuration,
});

const request = (conditions: Condition[] = []): StageConditionRequest => ({
  account: 'acme',
  pipelineName: 'web',
  executionId: 'exec-1',
  stageName: 'Deploy',
  condition: 'beforeEntry',
  conditions,
  variables: {
    executionId: 'exec-1',
    pipelineVariables: { ENV: 'production' },
    namespaces: { SourceVariables: { BranchName: 'main', CommitMessage: 'update the docs' } },
  },
});

const check = (configuration: Record<string, string>) => variableCheckRule(variableCheck(configuration), request());

describe('VariableCheck rule', () => {
  it.each([
    ['EQ', 'main', true],
    ['EQ', 'Main', false],
    ['NE', 'release', true],
    ['NE', 'main', false],
    ['CONTAINS', 'ai', true],
    ['CONTAINS', 'dev', false],
    ['MATCHES', 'ma.n', true],
    ['MATCHES', 'release/.*|main', true],
    // The whole value must match, as with Java's String.matches.
    ['MATCHES', 'ma', false],
  ])('%s "%s" on #{SourceVariables.BranchName} = "main" -> %s', (operator, value, passed) => {
    expect(check({ Variable: '#{SourceVariables.BranchName}', Value: value, Operator: operator })).toMatchObject({ passed });
  });

  it('resolves pipeline variables, the execution id and text around a reference', () => {
    expect(check({ Variable: '#{variables.ENV}', Value: 'production', Operator: 'EQ' })).toEqual({ passed: true, message: '#{variables.ENV} = "production" EQ "production"' });
    expect(check({ Variable: 'run-#{codepipeline.PipelineExecutionId}', Value: 'run-exec-1', Operator: 'EQ' })).toMatchObject({ passed: true });
  });

  it('says why it failed', () => {
    expect(check({ Variable: '#{SourceVariables.CommitMessage}', Value: 'hotfix', Operator: 'CONTAINS' })).toEqual({
      passed: false,
      message: '#{SourceVariables.CommitMessage} = "update the docs" not CONTAINS "hotfix"',
    });
  });

  it('fails on a reference that does not resolve, an unknown operator, a missing setting or a bad pattern', () => {
    expect(check({ Variable: '#{BuildVariables.IMAGE}', Value: 'x', Operator: 'EQ' })).toEqual({
      passed: false,
      message: 'unresolved #{BuildVariables.IMAGE}: no action with the namespace "BuildVariables" has succeeded in this execution',
    });
    expect(check({ Variable: '#{variables.ENV}', Value: '3', Operator: 'GREATER_THAN' })).toMatchObject({ passed: false, message: expect.stringContaining('unknown Operator "GREATER_THAN"') });
    expect(check({ Variable: '#{variables.ENV}', Operator: 'EQ' })).toEqual({ passed: false, message: 'the configuration lacks Value' });
    expect(check({ Variable: '#{variables.ENV}', Value: '(', Operator: 'MATCHES' })).toMatchObject({ passed: false, message: expect.stringContaining('Value is not a regular expression') });
  });

  it('compares an empty value like any other', () => {
    expect(check({ Variable: '#{variables.ENV}', Value: '', Operator: 'NE' })).toMatchObject({ passed: true });
  });
});

describe('built-in rules evaluator', () => {
  const passing = variableCheck({ Variable: '#{variables.ENV}', Value: 'production', Operator: 'EQ' }, 'IsProduction');
  const failing = variableCheck({ Variable: '#{SourceVariables.BranchName}', Value: 'release', Operator: 'EQ' }, 'IsRelease');
  const alarm: RuleDeclaration = { name: 'NoAlarm', ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'CloudWatchAlarm', version: '1' }, configuration: { AlarmName: 'errors' } };
  const window: RuleDeclaration = { name: 'Year2001', ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'DeploymentWindow', version: '1' }, configuration: { Cron: '* * * * * ? 2001' } };

  it('passes a condition without rules, with no summary', async () => {
    expect(await builtInRules.evaluate(request([{ result: 'FAIL' }]))).toEqual({ rulesPassed: true, summary: null });
  });

  it('passes when every rule of every condition passes, naming them', async () => {
    expect(await builtInRules.evaluate(request([{ result: 'FAIL', rules: [passing] }]))).toEqual({
      rulesPassed: true,
      summary: 'rules passed: IsProduction (VariableCheck): #{variables.ENV} = "production" EQ "production"',
      rules: [{ ruleName: 'IsProduction', ruleTypeId: passing.ruleTypeId, configuration: passing.configuration, passed: true, message: '#{variables.ENV} = "production" EQ "production"' }],
    });
  });

  it('fails when one rule fails, naming only the failed ones', async () => {
    expect(await builtInRules.evaluate(request([{ result: 'FAIL', rules: [passing] }, { result: 'FAIL', rules: [failing] }]))).toEqual({
      rulesPassed: false,
      summary: 'rules failed: IsRelease (VariableCheck): #{SourceVariables.BranchName} = "main" not EQ "release"',
      // Every rule's verdict is kept (ListRuleExecutions), the passed ones too.
      rules: [expect.objectContaining({ ruleName: 'IsProduction', passed: true }), expect.objectContaining({ ruleName: 'IsRelease', passed: false })],
    });
  });

  it('fails a rule type it has no evaluator for, naming it (a gate never opens by default)', async () => {
    const { rulesPassed, summary } = await builtInRules.evaluate(request([{ result: 'FAIL', rules: [passing, alarm] }]));
    expect(rulesPassed).toBe(false);
    expect(summary).toBe('rules failed: NoAlarm (CloudWatchAlarm): no evaluator for the rule type AWS/CloudWatchAlarm/1');
  });

  it('evaluates a deployment window: closed outside it, naming the time it read', async () => {
    const { rulesPassed, summary } = await builtInRules.evaluate(request([{ result: 'FAIL', rules: [passing, window] }]));
    expect(rulesPassed).toBe(false);
    expect(summary).toMatch(/^rules failed: Year2001 \(DeploymentWindow\): \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC is outside the window \* \* \* \* \* \? 2001$/);
  });

  it('takes a rule type declared without owner and version as AWS version 1', async () => {
    const bare: RuleDeclaration = { ...passing, ruleTypeId: { category: 'Rule', provider: 'VariableCheck' } };
    expect(await builtInRules.evaluate(request([{ rules: [bare] }]))).toMatchObject({ rulesPassed: true });
  });

  it('fails a rule whose evaluator throws, with the error', async () => {
    const throwing = ruleEvaluators({
      'AWS/VariableCheck/1': () => {
        throw new Error('provider down');
      },
    });
    expect(await throwing.evaluate(request([{ rules: [passing] }]))).toMatchObject({
      rulesPassed: false,
      summary: 'rules failed: IsProduction (VariableCheck): could not be evaluated: provider down',
      rules: [expect.objectContaining({ ruleName: 'IsProduction', passed: false, message: 'could not be evaluated: provider down' })],
    });
  });
});
