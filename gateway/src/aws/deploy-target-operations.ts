import type { AwsOperation } from './aws-endpoint';
import { validationException } from './aws-errors';
import { compact, epoch, optionalString, requiredString, type Json } from './aws-members';
import type { AwsGraphql } from './gateway-graphql';
import { decodeNextToken, maxResultsOf } from './next-token';

/** The one filter CodePipeline's model names for deploy targets. */
const TARGET_STATUS = 'TARGET_STATUS';

function statusFilterOf(input: Json): Set<string> | undefined {
  const filters = input.filters;
  if (filters === undefined || filters === null) return undefined;
  if (!Array.isArray(filters)) throw validationException([{ path: 'filters', value: filters, constraint: 'Member must be a list' }]);
  const statuses = new Set<string>();
  filters.forEach((filter: Json, i) => {
    if (filter?.name !== TARGET_STATUS) throw validationException([{ path: `filters.${i + 1}.name`, value: filter?.name, constraint: `Member must satisfy enum value set: [${TARGET_STATUS}]` }]);
    const values = filter.values ?? [];
    if (!Array.isArray(values) || values.some((value) => typeof value !== 'string')) throw validationException([{ path: `filters.${i + 1}.values`, value: values, constraint: 'Member must be a list of strings' }]);
    values.forEach((value: string) => statuses.add(value));
  });
  return statuses;
}

/**
 * ListDeployActionExecutionTargets (issue 19): the targets of a deploy action execution, as Sluice's deploy providers
 * have them (a Directory deploy's directory). An action has at most one target, so one page holds them all.
 */
export function deployTargetOperations(graphql: AwsGraphql): Record<string, AwsOperation> {
  return {
    async ListDeployActionExecutionTargets(input, call) {
      const actionExecutionId = requiredString(input, 'actionExecutionId');
      const pipelineName = optionalString(input, 'pipelineName');
      const statuses = statusFilterOf(input);
      const maxResults = maxResultsOf(input, { limit: 100, default: 100 });
      // No token is ever handed out (one page holds every target): one given must at least be one.
      decodeNextToken('ListDeployActionExecutionTargets', input.nextToken);
      const { listDeployActionExecutionTargets } = await graphql(
        call,
        'query($p: String, $id: ID!) { listDeployActionExecutionTargets(pipelineName: $p, actionExecutionId: $id) { targetId targetType status startTime endTime } }',
        { p: pipelineName ?? null, id: actionExecutionId },
      );
      return {
        targets: (listDeployActionExecutionTargets as Json[])
          .filter((target) => !statuses || statuses.has(target.status))
          .slice(0, maxResults)
          .map((target) => compact({ targetId: target.targetId, targetType: target.targetType, status: target.status, startTime: epoch(target.startTime), endTime: epoch(target.endTime) })),
      };
    },
  };
}
