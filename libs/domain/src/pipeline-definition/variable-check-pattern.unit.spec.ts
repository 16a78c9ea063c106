import { ActionTypeRegistry } from '../action-types/action-type-registry';
import { v2WithEverything } from './pipeline-fixtures';
import { validatePipelineDeclaration } from './validate-pipeline';
import { compileVariableCheckPattern, VARIABLE_CHECK_LIMITS } from './variable-check-pattern';

const registry = ActionTypeRegistry.builtIn();
const VALUE_PATH = '$.stages[2].beforeEntry.conditions[0].rules[1].configuration.Value';

/** The fixture with a VariableCheck rule added next to the entry condition's DeploymentWindow rule. */
function withVariableCheck(configuration: Record<string, string>, ruleTypeId: Record<string, string> = { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' }) {
  const pipeline = v2WithEverything() as { stages: Array<{ beforeEntry?: { conditions: Array<{ rules: unknown[] }> } }> };
  pipeline.stages[2]!.beforeEntry!.conditions[0]!.rules.push({ name: 'OnRelease', ruleTypeId, configuration });
  return pipeline;
}

const issuesOf = (input: unknown) => {
  const result = validatePipelineDeclaration(input, registry);
  return result.valid ? [] : result.issues.map((issue) => ({ path: issue.path, code: issue.code, message: issue.message }));
};

describe('a VariableCheck MATCHES pattern, checked when the pipeline is saved', () => {
  it.each(['release/.*|main', '[0-9]+\\.[0-9]+(\\.[0-9]+)?', '(?i)hotfix-\\d{1,4}', '\\p{L}+', '(a+)+$'])('accepts %s (RE2 syntax, linear time)', (Value) => {
    expect(issuesOf(withVariableCheck({ Variable: '#{codepipeline.PipelineExecutionId}', Value, Operator: 'MATCHES' }))).toEqual([]);
  });

  it.each([
    ['(a)\\1', 'a backreference'],
    ['(?<tag>v)\\k<tag>', 'a backreference'],
    ['main(?=-x)', 'a lookahead or lookbehind'],
    ['(?<!feature/)main', 'a lookahead or lookbehind'],
    ['(?>a|ab)c', 'an atomic group'],
    ['a++b', 'a possessive quantifier'],
    ['release/(', 'is not a regular expression Sluice can run (RE2 syntax): error parsing regexp: missing closing )'],
    ['a{1001}', 'invalid repeat count'],
  ])('refuses %s at its JSON path, saying why', (Value, message) => {
    expect(issuesOf(withVariableCheck({ Variable: '#{codepipeline.PipelineExecutionId}', Value, Operator: 'MATCHES' }))).toEqual([
      { path: VALUE_PATH, code: 'invalid_pattern', message: expect.stringContaining(message) },
    ]);
  });

  it('checks only MATCHES of AWS/VariableCheck/1 (owner and version may be left out)', () => {
    expect(issuesOf(withVariableCheck({ Variable: '#{codepipeline.PipelineExecutionId}', Value: '(a)\\1', Operator: 'EQ' }))).toEqual([]);
    expect(issuesOf(withVariableCheck({ Variable: '#{codepipeline.PipelineExecutionId}', Value: '(a)\\1', Operator: 'MATCHES' }, { category: 'Rule', provider: 'VariableCheck' }))).toEqual([
      { path: VALUE_PATH, code: 'invalid_pattern', message: expect.stringContaining('a backreference') },
    ]);
  });

  it('reports a pattern longer than a configuration value once', () => {
    const issues = issuesOf(withVariableCheck({ Variable: '#{codepipeline.PipelineExecutionId}', Value: 'a'.repeat(1001), Operator: 'MATCHES' }));
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([[VALUE_PATH, 'too_long']]);
    expect(compileVariableCheckPattern('a'.repeat(VARIABLE_CHECK_LIMITS.patternMaxLength + 1))).toMatchObject({ ok: false, problem: expect.stringContaining('at most 1000') });
  });

  it('matches the whole value, as Java\'s String.matches', () => {
    const pattern = compileVariableCheckPattern('ma.n');
    expect(pattern.ok && [pattern.matches('main'), pattern.matches('main2'), pattern.matches('xmain')]).toEqual([true, false, false]);
  });
});
