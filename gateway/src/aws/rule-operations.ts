import type { AwsOperation } from './aws-endpoint';
import { validationException } from './aws-errors';
import { compact, epoch, optionalString, requiredString, type Json } from './aws-members';
import type { AwsGraphql } from './gateway-graphql';
import { decodeNextToken, encodeNextToken, maxResultsOf } from './next-token';

/**
 * ListRuleTypes, ListRuleExecutions and OverrideStageCondition (issue 19) over Sluice's stage conditions: the rule
 * types the engine evaluates, each evaluation the execution recorded (StageConditionEvaluated's rules), and a person
 * letting a stage past a condition.
 */
export function ruleOperations(graphql: AwsGraphql): Record<string, AwsOperation> {
  return {
    async ListRuleTypes(input, call) {
      const owner = optionalString(input, 'ruleOwnerFilter');
      // RuleOwner has one value in CodePipeline's model; Sluice's rule types are all AWS's (VariableCheck).
      if (owner !== undefined && owner !== 'AWS') throw validationException([{ path: 'ruleOwnerFilter', value: owner, constraint: 'Member must satisfy enum value set: [AWS]' }]);
      optionalString(input, 'regionFilter');
      const { listRuleTypes } = await graphql(call, 'query { listRuleTypes { id { category owner provider version } ruleConfigurationProperties inputArtifactDetails { minimumCount maximumCount } } }');
      return { ruleTypes: listRuleTypes };
    },

    async OverrideStageCondition(input, call) {
      const conditionType = requiredString(input, 'conditionType');
      if (conditionType !== 'BEFORE_ENTRY' && conditionType !== 'ON_SUCCESS') {
        throw validationException([{ path: 'conditionType', value: conditionType, constraint: 'Member must satisfy enum value set: [BEFORE_ENTRY, ON_SUCCESS]' }]);
      }
      await graphql(
        call,
        'mutation($p: String!, $s: String!, $id: ID!, $c: StageConditionType!) { overrideStageCondition(pipelineName: $p, stageName: $s, pipelineExecutionId: $id, conditionType: $c) { pipelineExecutionId } }',
        { p: requiredString(input, 'pipelineName'), s: requiredString(input, 'stageName'), id: requiredString(input, 'pipelineExecutionId'), c: conditionType },
      );
      return {};
    },

    async ListRuleExecutions(input, call) {
      const pipelineName = requiredString(input, 'pipelineName');
      const filter = (input.filter ?? undefined) as Json | undefined;
      if (filter !== undefined && (typeof filter !== 'object' || Array.isArray(filter))) throw validationException([{ path: 'filter', value: filter, constraint: 'Member must be a structure' }]);
      if (filter?.latestInPipelineExecution !== undefined) {
        throw validationException([{ path: 'filter.latestInPipelineExecution', value: filter.latestInPipelineExecution, constraint: 'Member is not supported by Sluice: filter by pipelineExecutionId' }]);
      }
      const executionId = filter ? optionalString(filter, 'pipelineExecutionId') : undefined;
      const { listRuleExecutions } = await graphql(
        call,
        `query($p: String!, $id: ID, $first: Int, $after: String) { listRuleExecutions(pipelineName: $p, pipelineExecutionId: $id, first: $first, after: $after) {
          nodes { pipelineExecutionId ruleExecutionId pipelineVersion stageName ruleName startTime lastUpdateTime status
            ruleTypeId { category owner provider version } configuration summary }
          pageInfo { hasNextPage endCursor } } }`,
        {
          p: pipelineName,
          id: executionId ?? null,
          first: maxResultsOf(input, { limit: 100, default: 100 }),
          after: decodeNextToken('ListRuleExecutions', input.nextToken) ?? null,
        },
      );
      const { hasNextPage, endCursor } = listRuleExecutions.pageInfo as { hasNextPage: boolean; endCursor: string | null };
      return compact({
        ruleExecutionDetails: (listRuleExecutions.nodes as Json[]).map((detail) => ({
          pipelineExecutionId: detail.pipelineExecutionId,
          ruleExecutionId: detail.ruleExecutionId,
          pipelineVersion: detail.pipelineVersion,
          stageName: detail.stageName,
          ruleName: detail.ruleName,
          startTime: epoch(detail.startTime),
          lastUpdateTime: epoch(detail.lastUpdateTime),
          status: detail.status,
          input: { ruleTypeId: detail.ruleTypeId, configuration: detail.configuration },
          output: {
            executionResult: compact({
              externalExecutionSummary: detail.summary,
              errorDetails: detail.status === 'Failed' ? { code: 'RuleFailed', message: detail.summary } : undefined,
            }),
          },
        })),
        nextToken: hasNextPage && endCursor ? encodeNextToken('ListRuleExecutions', endCursor) : undefined,
      });
    },
  };
}
