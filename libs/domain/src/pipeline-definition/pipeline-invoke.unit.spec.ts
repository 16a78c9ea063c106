import { ActionTypeRegistry } from '../action-types/action-type-registry';
import { exportAwsPipeline } from '../aws/export-aws-pipeline';
import { mapAwsOwnedActions } from '../aws/map-aws-owned-actions';
import { invokeCyclePath, invokedPipelineNames, readPipelineInvocation } from './pipeline-invoke';
import { validatePipelineDeclaration } from './validate-pipeline';

const INVOKE = { category: 'Invoke', owner: 'Sluice', provider: 'Pipeline', version: '1' };
const source = { name: 'Source', actions: [{ name: 'Src', actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' }, configuration: { RepositoryUrl: 'file:///r', BranchName: 'main' }, outputArtifacts: [{ name: 'Out' }] }] };
const definition = (configuration: Record<string, string>, name = 'parent') => ({
  name,
  stages: [source, { name: 'Call', actions: [{ name: 'CallChild', actionTypeId: INVOKE, configuration }] }],
});
const issuesOf = (input: unknown) => {
  const result = validatePipelineDeclaration(input, ActionTypeRegistry.builtIn());
  return result.valid ? [] : result.issues;
};

describe('reading an invoke configuration', () => {
  it('takes variables as an array of {name,value} or AWS-style map, revisions as StartPipelineExecution takes them', () => {
    const reading = readPipelineInvocation({
      PipelineName: 'child',
      Variables: '{"Greeting":"hi"}',
      SourceRevisions: '[{"actionName":"Src","revisionType":"COMMIT_ID","revisionValue":"abc"}]',
      WaitForResult: 'true',
    });
    expect(reading).toEqual({
      ok: true,
      invocation: { pipelineName: 'child', variables: [{ name: 'Greeting', value: 'hi' }], sourceRevisions: [{ actionName: 'Src', revisionType: 'COMMIT_ID', revisionValue: 'abc' }], waitForResult: true },
    });
  });

  it('resolves each value on its own, after the JSON is read', () => {
    const reading = readPipelineInvocation({ PipelineName: 'child', Variables: '[{"name":"A","value":"#{v.x}"}]' }, () => '", "name": "B');
    expect(reading.ok && reading.invocation.variables).toEqual([{ name: 'A', value: '", "name": "B' }]);
  });
});

describe('saving a definition that invokes a pipeline', () => {
  it('accepts a literal target with well-formed JSON', () => {
    expect(issuesOf(definition({ PipelineName: 'child', Variables: '[{"name":"A","value":"#{variables.A}"}]', WaitForResult: 'false' }))).toEqual(
      // The reference is checked as every other: the pipeline declares no variable A.
      [expect.objectContaining({ code: expect.stringMatching(/variable/) })],
    );
  });

  it.each([
    [{ PipelineName: '#{variables.Target}' }, '$.stages[1].actions[0].configuration.PipelineName', 'may not reference variables'],
    [{ PipelineName: 'child', Variables: '[{"name":"A"}]' }, '$.stages[1].actions[0].configuration.Variables', 'Variables[0].value must be a non-empty string'],
    [{ PipelineName: 'child', SourceRevisions: '[{"actionName":"S","revisionType":"BRANCH","revisionValue":"x"}]' }, '$.stages[1].actions[0].configuration.SourceRevisions', 'must be one of'],
    [{ PipelineName: 'child', Variables: 'nope' }, '$.stages[1].actions[0].configuration.Variables', 'is not JSON'],
    [{ PipelineName: 'parent' }, '$.stages[1].actions[0].configuration.PipelineName', 'may not invoke itself'],
  ])('refuses %j at its path', (configuration, path, message) => {
    expect(issuesOf(definition(configuration))).toContainEqual(expect.objectContaining({ path, message: expect.stringContaining(message) }));
  });

  it('names the pipelines a definition invokes, in Sluice\'s and AWS\'s form, leaving out names no pipeline can have', () => {
    const aws = { name: 'p', stages: [{ name: 'S', actions: [{ name: 'A', actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'CodePipeline', version: '1' }, configuration: { PipelineName: 'b' } }] }] };
    expect(invokedPipelineNames(definition({ PipelineName: 'child' }))).toEqual(['child']);
    expect(invokedPipelineNames(aws)).toEqual(['b']);
    expect(invokedPipelineNames(definition({ PipelineName: '#{variables.X}' }))).toEqual([]);
  });

  it('finds the loop a save would close through the saved definitions', () => {
    const saved: Record<string, string[]> = { b: ['c'], c: ['a'], d: [] };
    expect(invokeCyclePath('a', ['b'], (name) => saved[name] ?? [])).toEqual(['a', 'b', 'c', 'a']);
    expect(invokeCyclePath('a', ['d'], (name) => saved[name] ?? [])).toBeNull();
  });
});

describe('Invoke/AWS/CodePipeline', () => {
  it('runs as Invoke/Sluice/Pipeline with the same keys, and exports back to AWS', () => {
    const aws = { name: 'p', stages: [source, { name: 'S', actions: [{ name: 'A', actionTypeId: { category: 'Invoke', owner: 'AWS', provider: 'CodePipeline', version: '1' }, configuration: { PipelineName: 'b', Variables: '[{"name":"X","value":"1"}]' } }] }] };
    const mapping = mapAwsOwnedActions(aws);
    expect(mapping.kind).toBe('mapped');
    const runnable = mapping.kind === 'mapped' ? mapping.runnable : {};
    const action = (runnable as typeof aws).stages[1]!.actions[0]!;
    expect(action).toMatchObject({ actionTypeId: INVOKE, configuration: { PipelineName: 'b', Variables: '[{"name":"X","value":"1"}]' } });
    expect(issuesOf(runnable)).toEqual([]);
    const exported = exportAwsPipeline({ ...(runnable as object), stages: [(runnable as typeof aws).stages[1]!] } as never);
    expect(JSON.stringify(exported)).toContain('"provider":"CodePipeline"');
  });
});
