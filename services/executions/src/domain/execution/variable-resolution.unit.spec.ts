import { resolveRecord, resolveText, type VariableScope } from './variable-resolution';

const scope: VariableScope = {
  executionId: 'e-42',
  pipelineVariables: { TARGET: 'prod' },
  namespaces: { BuildVariables: { IMAGE_TAG: 'v7', 'dotted.name': 'd' } },
};

describe('variable resolution', () => {
  it.each([
    ['#{variables.TARGET}', 'prod'],
    ['#{BuildVariables.IMAGE_TAG}', 'v7'],
    ['#{codepipeline.PipelineExecutionId}', 'e-42'],
    ['img:#{BuildVariables.IMAGE_TAG}-#{variables.TARGET}', 'img:v7-prod'],
    ['#{BuildVariables.dotted.name}', 'd'],
    ['not a reference: #{x} and ${HOME}', 'not a reference: #{x} and ${HOME}'],
  ])('%s -> %s', (text, expected) => {
    expect(resolveText(text, 'configuration.X', scope)).toEqual({ resolved: true, value: expected });
  });

  it.each([
    ['#{variables.NOPE}', 'the pipeline has no variable "NOPE"'],
    ['#{codepipeline.Other}', '"codepipeline" has no variable "Other"'],
    ['#{Missing.X}', 'no action with the namespace "Missing" has succeeded in this execution'],
    ['#{BuildVariables.NOPE}', 'the namespace "BuildVariables" has no variable "NOPE"'],
  ])('%s is unresolved: %s', (text, reason) => {
    expect(resolveText(text, 'configuration.X', scope)).toEqual({ resolved: false, unresolved: [{ location: 'configuration.X', text, reason }] });
  });

  it('reports every unresolved reference of a record, each with where it is', () => {
    const result = resolveRecord({ A: '#{variables.NOPE}', B: 'fine', C: '#{Missing.X}' }, 'configuration', scope);
    expect(result.resolved ? [] : result.unresolved.map((reference) => reference.location)).toEqual(['configuration.A', 'configuration.C']);
  });
});
