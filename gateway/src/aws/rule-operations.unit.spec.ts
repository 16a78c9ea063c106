import type { AwsCall } from './aws-endpoint';
import { recordingAwsGraphql } from '../testing/recording-aws-graphql';
import { encodeNextToken } from './next-token';
import { ruleOperations } from './rule-operations';

function recording(answer: Record<string, unknown> = {}) {
  const { sent, graphql } = recordingAwsGraphql(answer, (_query, variables) => variables);
  return { sent, operations: ruleOperations(graphql) };
}
const call = {} as AwsCall;
const variableCheck = { category: 'Rule', owner: 'AWS', provider: 'VariableCheck', version: '1' };

describe('ListRuleTypes', () => {
  it('answers the engine’s rule types as CodePipeline’s RuleType', async () => {
    const type = { id: variableCheck, ruleConfigurationProperties: [{ name: 'Variable', required: true, key: true, secret: false, queryable: false, description: 'd', type: 'String' }], inputArtifactDetails: { minimumCount: 0, maximumCount: 0 } };
    expect(await recording({ listRuleTypes: [type] }).operations.ListRuleTypes!({ ruleOwnerFilter: 'AWS' }, call)).toEqual({ ruleTypes: [type] });
  });

  it('refuses an owner outside the model’s enum', async () => {
    await expect(recording().operations.ListRuleTypes!({ ruleOwnerFilter: 'Custom' }, call)).rejects.toMatchObject({ type: 'ValidationException', message: expect.stringContaining('ruleOwnerFilter') });
  });
});

describe('ListRuleExecutions', () => {
  const node = {
    pipelineExecutionId: 'e1',
    ruleExecutionId: 'r1',
    pipelineVersion: 2,
    stageName: 'Deploy',
    ruleName: 'OnlyMain',
    startTime: '2026-01-02T03:04:05.000Z',
    lastUpdateTime: '2026-01-02T03:04:06.000Z',
    status: 'Failed',
    ruleTypeId: variableCheck,
    configuration: { Variable: '#{S.B}', Operator: 'EQ', Value: 'main' },
    summary: '#{S.B} = "x" not EQ "main"',
  };

  it('answers RuleExecutionDetail with epoch times, the verdict as the result, and the next token', async () => {
    const { sent, operations } = recording({ listRuleExecutions: { nodes: [node], pageInfo: { hasNextPage: true, endCursor: 'c1' } } });
    const answer = await operations.ListRuleExecutions!({ pipelineName: 'p', filter: { pipelineExecutionId: 'e1' }, maxResults: 1 }, call);
    expect(sent[0]).toEqual({ p: 'p', id: 'e1', first: 1, after: null });
    expect(answer).toEqual({
      ruleExecutionDetails: [
        {
          pipelineExecutionId: 'e1',
          ruleExecutionId: 'r1',
          pipelineVersion: 2,
          stageName: 'Deploy',
          ruleName: 'OnlyMain',
          startTime: Date.parse(node.startTime) / 1000,
          lastUpdateTime: Date.parse(node.lastUpdateTime) / 1000,
          status: 'Failed',
          input: { ruleTypeId: variableCheck, configuration: node.configuration },
          output: { executionResult: { externalExecutionSummary: node.summary, errorDetails: { code: 'RuleFailed', message: node.summary } } },
        },
      ],
      nextToken: encodeNextToken('ListRuleExecutions', 'c1'),
    });
  });

  it('takes back its own token only', async () => {
    const { sent, operations } = recording({ listRuleExecutions: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } });
    await operations.ListRuleExecutions!({ pipelineName: 'p', nextToken: encodeNextToken('ListRuleExecutions', 'c1') }, call);
    expect(sent[0]).toMatchObject({ after: 'c1', id: null });
    await expect(operations.ListRuleExecutions!({ pipelineName: 'p', nextToken: encodeNextToken('ListActionExecutions', 'c1') }, call)).rejects.toMatchObject({ type: 'InvalidNextTokenException' });
  });

  it('refuses the latestInPipelineExecution filter Sluice does not have, by name', async () => {
    await expect(recording().operations.ListRuleExecutions!({ pipelineName: 'p', filter: { latestInPipelineExecution: { pipelineExecutionId: 'e', startTimeFilter: 'Latest' } } }, call)).rejects.toMatchObject({
      type: 'ValidationException',
      message: expect.stringContaining('filter.latestInPipelineExecution'),
    });
  });
});

describe('OverrideStageCondition', () => {
  it('sends the condition type as the GraphQL enum and answers nothing', async () => {
    const { sent, operations } = recording({ overrideStageCondition: { pipelineExecutionId: 'e1' } });
    expect(await operations.OverrideStageCondition!({ pipelineName: 'p', stageName: 'Deploy', pipelineExecutionId: 'e1', conditionType: 'BEFORE_ENTRY' }, call)).toEqual({});
    expect(sent[0]).toEqual({ p: 'p', s: 'Deploy', id: 'e1', c: 'BEFORE_ENTRY' });
  });

  it('refuses a condition type outside the model’s enum (onFailure cannot be overridden)', async () => {
    const { sent, operations } = recording();
    await expect(operations.OverrideStageCondition!({ pipelineName: 'p', stageName: 'Deploy', pipelineExecutionId: 'e1', conditionType: 'ON_FAILURE' }, call)).rejects.toMatchObject({ type: 'ValidationException', message: expect.stringContaining('conditionType') });
    expect(sent).toEqual([]);
  });
});
