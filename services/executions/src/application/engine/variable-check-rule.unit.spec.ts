import type { RuleDeclaration } from '@sluice/domain';
import type { StageConditionRequest } from './stage-condition-evaluator';
import { variableCheckRule } from './variable-check-rule';

const rule = (Value: string): RuleDeclaration => ({
  name: 'Check',
  ruleTypeId: { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' },
  configuration: { Variable: '#{variables.INPUT}', Value, Operator: 'MATCHES' },
});

const on = (input: string): StageConditionRequest => ({
  account: 'acme',
  pipelineName: 'web',
  executionId: 'exec-1',
  stageName: 'Deploy',
  condition: 'beforeEntry',
  conditions: [],
  variables: { executionId: 'exec-1', pipelineVariables: { INPUT: input }, namespaces: {} },
});

describe('VariableCheck MATCHES, in linear time', () => {
  it('answers a catastrophic pattern on 50,000 characters in milliseconds, without backtracking', async () => {
    const input = `${'a'.repeat(50_000)}!`;
    const began = performance.now();
    const outcome = await variableCheckRule(rule('(a+)+$'), on(input));
    const elapsed = performance.now() - began;
    expect(outcome.passed).toBe(false);
    expect(elapsed).toBeLessThan(500);
    // The same pattern matches a value it should, still whole-value as Java's String.matches.
    expect((await variableCheckRule(rule('(a+)+'), on('a'.repeat(50_000)))).passed).toBe(true);
    expect((await variableCheckRule(rule('a+'), on('aaab'))).passed).toBe(false);
  });

  it('fails the rule for a pattern RE2 cannot run (saved before the check existed), naming why', async () => {
    expect(await variableCheckRule(rule('(a)\\1'), on('aa'))).toMatchObject({ passed: false, message: expect.stringContaining('a backreference') });
  });

  it('fails the rule for a value over the limit instead of matching it', async () => {
    expect(await variableCheckRule(rule('a*'), on('a'.repeat(100_001)))).toEqual({
      passed: false,
      message: 'the value of the Variable has 100001 characters; MATCHES compares at most 100000',
    });
  });
});
