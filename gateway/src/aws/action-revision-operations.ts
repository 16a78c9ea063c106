import type { AwsOperation } from './aws-endpoint';
import { validationException } from './aws-errors';
import { requiredObject, requiredString } from './aws-members';
import type { AwsGraphql } from './gateway-graphql';

/** An AWS JSON 1.1 timestamp (epoch seconds) as ISO-8601; an ISO string is taken as it is. */
function instantOf(input: Record<string, unknown>, path: string): string {
  const value = input[path];
  const millis = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(millis) || Math.abs(millis) > 8.64e15) throw validationException([{ path: `actionRevision.${path}`, value, constraint: 'Member must be a timestamp' }]);
  return new Date(millis).toISOString();
}

/**
 * PutActionRevision (issue 19): a source's new revision, given by whoever watches the source, starts the pipeline
 * with the source action pinned to it unless the action fetched it last.
 */
export function actionRevisionOperations(graphql: AwsGraphql): Record<string, AwsOperation> {
  return {
    async PutActionRevision(input, call) {
      const revision = requiredObject(input, 'actionRevision');
      const actionRevision = {
        revisionId: requiredString(revision, 'revisionId'),
        revisionChangeId: requiredString(revision, 'revisionChangeId'),
        created: instantOf(revision, 'created'),
      };
      const { putActionRevision } = await graphql(
        call,
        `mutation($p: String!, $s: String!, $a: String!, $revision: ActionRevisionInput!) {
          putActionRevision(pipelineName: $p, stageName: $s, actionName: $a, actionRevision: $revision) { newRevision pipelineExecutionId } }`,
        { p: requiredString(input, 'pipelineName'), s: requiredString(input, 'stageName'), a: requiredString(input, 'actionName'), revision: actionRevision },
      );
      return { newRevision: putActionRevision.newRevision, pipelineExecutionId: putActionRevision.pipelineExecutionId };
    },
  };
}
