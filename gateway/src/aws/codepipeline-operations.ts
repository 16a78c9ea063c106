import { ACTION_ERROR_TYPES } from '@sluice/contracts';
import type { AwsCall, AwsOperation } from './aws-endpoint';
import { AwsError, validationException } from './aws-errors';
import { compact, epoch, optionalString, requiredObject, requiredString, type Json } from './aws-members';
import type { AwsGraphql } from './gateway-graphql';
import { decodeNextToken, encodeNextToken, maxResultsOf } from './next-token';
import { actionTypeOperations } from './action-type-operations';
import { ruleOperations } from './rule-operations';
import { actionRevisionOperations } from './action-revision-operations';
import { deployTargetOperations } from './deploy-target-operations';
import { thirdPartyJobOperations } from './third-party-job-operations';
import { JOB_DATA, jobDataOf } from './job-data';

/**
 * CodePipeline's operations, each one GraphQL operation of the gateway (decision 0024): the rules run in the services
 * behind it; here only AWS's request and response shapes are translated. Timestamps are epoch seconds, as AWS JSON 1.1
 * sends them.
 */


/** `nextToken` in, GraphQL `after` cursor; `pageInfo` out, the next `nextToken`. */
const page = (operation: string, input: Json, options: { limit: number; default: number }) => ({
  first: maxResultsOf(input, options),
  after: decodeNextToken(operation, input.nextToken) ?? null,
});
const nextTokenOf = (operation: string, pageInfo: { hasNextPage: boolean; endCursor?: string | null }) =>
  pageInfo.hasNextPage && pageInfo.endCursor ? { nextToken: encodeNextToken(operation, pageInfo.endCursor) } : {};

const PIPELINE_METADATA = 'metadata { pipelineArn created updated version }';
const EXECUTION_FIELDS = `pipelineExecutionId pipelineName pipelineVersion status statusSummary startTime lastUpdateTime executionMode executionType
  trigger { triggerType triggerDetail } sourceRevisions { actionName revisionId revisionSummary revisionUrl }
  variables { name value } stopTrigger { reason } rollbackMetadata { rollbackTargetPipelineExecutionId }`;

const pipelineMetadataOf = (metadata: Json) => compact({ pipelineArn: metadata.pipelineArn, created: epoch(metadata.created), updated: epoch(metadata.updated) });

function executionOf(execution: Json): Json {
  return compact({
    pipelineName: execution.pipelineName,
    pipelineVersion: execution.pipelineVersion,
    pipelineExecutionId: execution.pipelineExecutionId,
    status: execution.status,
    statusSummary: execution.statusSummary,
    artifactRevisions: (execution.sourceRevisions as Json[]).map((revision) =>
      compact({ name: revision.actionName, revisionId: revision.revisionId, revisionSummary: revision.revisionSummary, revisionUrl: revision.revisionUrl }),
    ),
    variables: (execution.variables as Json[]).map(({ name, value }) => ({ name, resolvedValue: value })),
    trigger: execution.trigger,
    executionMode: execution.executionMode,
    executionType: execution.executionType,
    rollbackMetadata: execution.rollbackMetadata ?? undefined,
  });
}

function executionSummaryOf(execution: Json): Json {
  return compact({
    pipelineExecutionId: execution.pipelineExecutionId,
    status: execution.status,
    statusSummary: execution.statusSummary,
    startTime: epoch(execution.startTime),
    lastUpdateTime: epoch(execution.lastUpdateTime),
    sourceRevisions: (execution.sourceRevisions as Json[]).map((revision) => compact({ ...revision })),
    trigger: execution.trigger,
    stopTrigger: execution.stopTrigger ?? undefined,
    executionMode: execution.executionMode,
    executionType: execution.executionType,
    rollbackMetadata: execution.rollbackMetadata ?? undefined,
  });
}

function actionExecutionOf(latest: Json): Json {
  return compact({
    actionExecutionId: latest.actionExecutionId,
    status: latest.status,
    summary: latest.summary,
    lastStatusChange: epoch(latest.lastStatusChange),
    token: latest.token,
    externalExecutionId: latest.externalExecutionId,
    externalExecutionUrl: latest.externalExecutionUrl,
    errorDetails: errorDetailsOf(latest.errorDetails),
  });
}

/** AWS's `ErrorDetails`: Sluice says `<ActionErrorType>: <message>`; the type is the code, as a job worker's failure type is. */
export function errorDetailsOf(text: string | null | undefined): { code?: string; message: string } | undefined {
  if (!text) return undefined;
  const separator = text.indexOf(': ');
  const code = separator > 0 ? text.slice(0, separator) : '';
  return (ACTION_ERROR_TYPES as readonly string[]).includes(code) ? { code, message: text.slice(separator + 2) } : { message: text };
}

const artifactsOf = (artifacts: Json[]) => artifacts.map(({ name, location }) => ({ name, s3location: { bucket: 'sluice-artifacts', key: location } }));

/**
 * The pipeline an ARN names: Sluice's `srn:sluice:{account}:{pipeline}`, or CodePipeline's
 * `arn:aws:codepipeline:{region}:{account}:{pipeline}` — in the caller's own account only: an ARN naming another
 * account is refused (`InvalidArnException`), never read as the caller's pipeline of that name.
 */
function pipelineOfArn(input: Json, call: AwsCall): string {
  const arn = requiredString(input, 'resourceArn');
  const parts = /^(?:srn:sluice:([^:]+)|arn:aws[a-z-]*:codepipeline:[^:]*:([^:]+)):([^:/]+)$/.exec(arn);
  if (!parts) throw new AwsError('InvalidArnException', `The ARN '${arn}' does not name a pipeline: use srn:sluice:{account}:{pipeline} (or arn:aws:codepipeline:{region}:{account}:{pipeline}).`);
  const account = parts[1] ?? parts[2]!;
  const own = call.auth.principal.account;
  if (account !== own) throw new AwsError('InvalidArnException', `The ARN '${arn}' names account '${account}'; this key belongs to account '${own}', whose pipelines only it can reach.`);
  return parts[3]!;
}

/**
 * Answers PipelineNotFoundException (through the services' code) unless the caller's account has the pipeline. A
 * caller whose policies allow the list but not reading the pipeline keeps its empty list: the check must not refuse
 * more than the operation did.
 */
async function requirePipeline(graphql: AwsGraphql, call: AwsCall, name: string): Promise<void> {
  await graphql(call, 'query($name: String!) { getPipeline(name: $name) { name } }', { name }).catch(notForbidden);
}

/** Rethrows all but AccessDeniedException: an existence check the caller may not make is not made. */
function notForbidden(error: unknown): undefined {
  if (error instanceof AwsError && error.type === 'AccessDeniedException') return undefined;
  throw error;
}

/** CodePipeline's limit of tags on a resource. */
const MAX_TAGS = 50;

function tagsOf(input: Json): Array<{ key: string; value: string }> {
  const tags = input.tags;
  if (!Array.isArray(tags)) throw validationException([{ path: 'tags', value: tags, constraint: 'Member must not be null' }]);
  // CodePipeline's own exceptions for the two tag rules its model names; the services check the rest (decision 0030).
  if (tags.length > MAX_TAGS) throw new AwsError('TooManyTagsException', `A resource has at most ${MAX_TAGS} tags; the request gives ${tags.length}.`);
  return tags.map((tag: Json, i) => {
    if (typeof tag?.key !== 'string' || typeof tag?.value !== 'string') throw validationException([{ path: `tags.${i + 1}`, value: tag, constraint: 'Member must have a string key and value' }]);
    if (tag.key.toLowerCase().startsWith('aws:')) throw new AwsError('InvalidTagsException', `Tag keys starting with 'aws:' are reserved for AWS; tags.${i + 1}.key is '${tag.key}'.`);
    return { key: tag.key, value: tag.value };
  });
}

export function codePipelineOperations(graphql: AwsGraphql): Record<string, AwsOperation> {
  return {
    async ListPipelines(input, call) {
      const { listPipelines } = await graphql(
        call,
        `query($first: Int, $after: String) { listPipelines(first: $first, after: $after) { edges { node { name pipeline ${PIPELINE_METADATA} } } pageInfo { hasNextPage endCursor } } }`,
        page('ListPipelines', input, { limit: 1000, default: 100 }),
      );
      return {
        pipelines: (listPipelines.edges as Json[]).map(({ node }) =>
          compact({ name: node.name, version: node.metadata.version, pipelineType: node.pipeline.pipelineType, executionMode: node.pipeline.executionMode, created: epoch(node.metadata.created), updated: epoch(node.metadata.updated) }),
        ),
        ...nextTokenOf('ListPipelines', listPipelines.pageInfo),
      };
    },

    async GetPipeline(input, call) {
      const version = input.version;
      if (version !== undefined && version !== null && (typeof version !== 'number' || !Number.isInteger(version) || version < 1)) {
        throw validationException([{ path: 'version', value: version, constraint: 'Member must have value greater than or equal to 1' }]);
      }
      const { getPipeline } = await graphql(call, `query($name: String!, $version: Int) { getPipeline(name: $name, version: $version) { pipeline ${PIPELINE_METADATA} } }`, {
        name: requiredString(input, 'name'),
        version: version ?? null,
      });
      return { pipeline: getPipeline.pipeline, metadata: pipelineMetadataOf(getPipeline.metadata) };
    },

    async CreatePipeline(input, call) {
      const tags = Array.isArray(input.tags) ? input.tags : undefined;
      const { createPipeline } = await graphql(call, 'mutation($pipeline: JSON!, $tags: [TagInput!]) { createPipeline(pipeline: $pipeline, tags: $tags) { pipeline tags { key value } } }', {
        pipeline: requiredObject(input, 'pipeline'),
        tags: tags ?? null,
      });
      return compact({ pipeline: createPipeline.pipeline, tags: tags ? createPipeline.tags : undefined });
    },

    async UpdatePipeline(input, call) {
      const pipeline = requiredObject(input, 'pipeline');
      // AWS takes a definition without `version` (the last writer wins); with one, Sluice's conflict check applies.
      const versioned =
        pipeline.version === undefined && typeof pipeline.name === 'string'
          ? { ...pipeline, version: (await graphql(call, `query($name: String!) { getPipeline(name: $name) { ${PIPELINE_METADATA} } }`, { name: pipeline.name })).getPipeline.metadata.version }
          : pipeline;
      const { updatePipeline } = await graphql(call, 'mutation($pipeline: JSON!) { updatePipeline(pipeline: $pipeline) { pipeline } }', { pipeline: versioned });
      return { pipeline: updatePipeline.pipeline };
    },

    async DeletePipeline(input, call) {
      // As AWS: deleting a pipeline that is not there (any more) succeeds. Who may not delete it is still refused.
      await graphql(call, 'mutation($name: String!) { deletePipeline(name: $name) }', { name: requiredString(input, 'name') }).catch((error: unknown) => {
        if (!(error instanceof AwsError && error.type === 'PipelineNotFoundException')) throw error;
      });
      return {};
    },

    async GetPipelineState(input, call) {
      const { getPipeline, getPipelineState } = await graphql(
        call,
        `query($name: String!) {
          getPipeline(name: $name) { ${PIPELINE_METADATA} }
          getPipelineState(name: $name) {
            pipelineName pipelineVersion updated
            stageStates {
              stageName
              inboundTransitionState { enabled disabledReason lastChangedBy lastChangedAt }
              latestExecution { pipelineExecutionId status }
              actionStates { actionName latestExecution { actionExecutionId status summary externalExecutionId externalExecutionUrl token errorDetails lastStatusChange } }
            }
          }
        }`,
        { name: requiredString(input, 'name') },
      );
      return compact({
        pipelineName: getPipelineState.pipelineName,
        pipelineVersion: getPipelineState.pipelineVersion,
        created: epoch(getPipeline.metadata.created),
        updated: epoch(getPipelineState.updated ?? getPipeline.metadata.updated),
        stageStates: (getPipelineState.stageStates as Json[]).map((stage) =>
          compact({
            stageName: stage.stageName,
            inboundTransitionState: compact({ ...stage.inboundTransitionState, lastChangedAt: epoch(stage.inboundTransitionState.lastChangedAt) }),
            latestExecution: stage.latestExecution ?? undefined,
            actionStates: (stage.actionStates as Json[]).map((action) => compact({ actionName: action.actionName, latestExecution: action.latestExecution ? actionExecutionOf(action.latestExecution) : undefined })),
          }),
        ),
      });
    },

    async StartPipelineExecution(input, call) {
      const { startPipelineExecution } = await graphql(
        call,
        'mutation($name: String!, $variables: [PipelineVariableInput!], $clientRequestToken: String) { startPipelineExecution(name: $name, variables: $variables, clientRequestToken: $clientRequestToken) { pipelineExecutionId } }',
        { name: requiredString(input, 'name'), variables: Array.isArray(input.variables) ? input.variables : null, clientRequestToken: optionalString(input, 'clientRequestToken') ?? null },
      );
      return { pipelineExecutionId: startPipelineExecution.pipelineExecutionId };
    },

    async StopPipelineExecution(input, call) {
      const { stopPipelineExecution } = await graphql(
        call,
        'mutation($p: String!, $id: ID!, $abandon: Boolean, $reason: String) { stopPipelineExecution(pipelineName: $p, pipelineExecutionId: $id, abandon: $abandon, reason: $reason) { pipelineExecutionId } }',
        { p: requiredString(input, 'pipelineName'), id: requiredString(input, 'pipelineExecutionId'), abandon: input.abandon === true, reason: optionalString(input, 'reason') ?? null },
      );
      return { pipelineExecutionId: stopPipelineExecution.pipelineExecutionId };
    },

    async GetPipelineExecution(input, call) {
      const { getPipelineExecution } = await graphql(call, `query($p: String!, $id: ID!) { getPipelineExecution(pipelineName: $p, pipelineExecutionId: $id) { ${EXECUTION_FIELDS} } }`, {
        p: requiredString(input, 'pipelineName'),
        id: requiredString(input, 'pipelineExecutionId'),
      });
      return { pipelineExecution: executionOf(getPipelineExecution) };
    },

    async ListPipelineExecutions(input, call) {
      const { listPipelineExecutions } = await graphql(
        call,
        `query($p: String!, $first: Int, $after: String) { listPipelineExecutions(pipelineName: $p, first: $first, after: $after) { nodes { ${EXECUTION_FIELDS} } pageInfo { hasNextPage endCursor } } }`,
        { p: requiredString(input, 'pipelineName'), ...page('ListPipelineExecutions', input, { limit: 100, default: 100 }) },
      );
      if (listPipelineExecutions.nodes.length === 0) await requirePipeline(graphql, call, requiredString(input, 'pipelineName'));
      return { pipelineExecutionSummaries: (listPipelineExecutions.nodes as Json[]).map(executionSummaryOf), ...nextTokenOf('ListPipelineExecutions', listPipelineExecutions.pageInfo) };
    },

    async ListActionExecutions(input, call) {
      const filter = input.filter as Json | undefined;
      const { listActionExecutions } = await graphql(
        call,
        `query($p: String!, $id: ID, $first: Int, $after: String) { listActionExecutions(pipelineName: $p, pipelineExecutionId: $id, first: $first, after: $after) {
          nodes { pipelineExecutionId actionExecutionId pipelineVersion stageName actionName status startTime lastUpdateTime
            input { actionTypeId { category owner provider version } configuration resolvedConfiguration inputArtifacts { name location } namespace }
            output { outputArtifacts { name location } outputVariables executionResult { externalExecutionId externalExecutionSummary externalExecutionUrl errorDetails } } }
          pageInfo { hasNextPage endCursor } } }`,
        { p: requiredString(input, 'pipelineName'), id: typeof filter?.pipelineExecutionId === 'string' ? filter.pipelineExecutionId : null, ...page('ListActionExecutions', input, { limit: 100, default: 100 }) },
      );
      if (listActionExecutions.nodes.length === 0) await requirePipeline(graphql, call, requiredString(input, 'pipelineName'));
      return {
        actionExecutionDetails: (listActionExecutions.nodes as Json[]).map((detail) =>
          compact({
            pipelineExecutionId: detail.pipelineExecutionId,
            actionExecutionId: detail.actionExecutionId,
            pipelineVersion: detail.pipelineVersion,
            stageName: detail.stageName,
            actionName: detail.actionName,
            startTime: epoch(detail.startTime),
            lastUpdateTime: epoch(detail.lastUpdateTime),
            status: detail.status,
            input: compact({ ...detail.input, inputArtifacts: artifactsOf(detail.input.inputArtifacts) }),
            output: {
              outputArtifacts: artifactsOf(detail.output.outputArtifacts),
              outputVariables: detail.output.outputVariables,
              executionResult: compact({
                ...detail.output.executionResult,
                errorDetails: errorDetailsOf(detail.output.executionResult.errorDetails),
              }),
            },
          }),
        ),
        ...nextTokenOf('ListActionExecutions', listActionExecutions.pageInfo),
      };
    },

    async RetryStageExecution(input, call) {
      const { retryStageExecution } = await graphql(
        call,
        'mutation($p: String!, $s: String!, $id: ID!, $mode: StageRetryMode!) { retryStageExecution(pipelineName: $p, stageName: $s, pipelineExecutionId: $id, retryMode: $mode) { pipelineExecutionId } }',
        { p: requiredString(input, 'pipelineName'), s: requiredString(input, 'stageName'), id: requiredString(input, 'pipelineExecutionId'), mode: requiredString(input, 'retryMode') },
      );
      return { pipelineExecutionId: retryStageExecution.pipelineExecutionId };
    },

    async RollbackStage(input, call) {
      const { rollbackStage } = await graphql(
        call,
        'mutation($p: String!, $s: String!, $target: ID!) { rollbackStage(pipelineName: $p, stageName: $s, targetPipelineExecutionId: $target) { pipelineExecutionId } }',
        { p: requiredString(input, 'pipelineName'), s: requiredString(input, 'stageName'), target: requiredString(input, 'targetPipelineExecutionId') },
      );
      return { pipelineExecutionId: rollbackStage.pipelineExecutionId };
    },

    async PutApprovalResult(input, call) {
      const result = requiredObject(input, 'result');
      const pipelineName = requiredString(input, 'pipelineName');
      const { putApprovalResult } = await graphql(
        call,
        'mutation($p: String!, $s: String!, $a: String!, $result: ApprovalResultInput!, $token: String!) { putApprovalResult(pipelineName: $p, stageName: $s, actionName: $a, result: $result, token: $token) { approvedAt } }',
        {
          p: pipelineName,
          s: requiredString(input, 'stageName'),
          a: requiredString(input, 'actionName'),
          result: { status: requiredString(result, 'status'), summary: requiredString(result, 'summary') },
          token: requiredString(input, 'token'),
        },
      ).catch(async (error: unknown) => {
        // AWS looks for the pipeline before the token: a call refused (bad token, a token of another pipeline) on a
        // pipeline the account lacks is that. The happy path pays no lookup.
        if (error instanceof AwsError && !['AccessDeniedException', 'ThrottlingException', 'ApprovalAlreadyCompletedException'].includes(error.type)) await requirePipeline(graphql, call, pipelineName);
        throw error;
      });
      return { approvedAt: epoch(putApprovalResult.approvedAt) };
    },

    async DisableStageTransition(input, call) {
      await graphql(
        call,
        'mutation($p: String!, $s: String!, $t: StageTransitionType!, $r: String!) { disableStageTransition(pipelineName: $p, stageName: $s, transitionType: $t, reason: $r) { enabled } }',
        { p: requiredString(input, 'pipelineName'), s: requiredString(input, 'stageName'), t: requiredString(input, 'transitionType'), r: requiredString(input, 'reason') },
      );
      return {};
    },

    async EnableStageTransition(input, call) {
      await graphql(call, 'mutation($p: String!, $s: String!, $t: StageTransitionType!) { enableStageTransition(pipelineName: $p, stageName: $s, transitionType: $t) { enabled } }', {
        p: requiredString(input, 'pipelineName'),
        s: requiredString(input, 'stageName'),
        t: requiredString(input, 'transitionType'),
      });
      return {};
    },

    async PollForJobs(input, call) {
      const batch = input.maxBatchSize ?? 1;
      if (typeof batch !== 'number' || !Number.isInteger(batch) || batch < 1) throw validationException([{ path: 'maxBatchSize', value: batch, constraint: 'Member must have value greater than or equal to 1' }]);
      const actionTypeId = requiredObject(input, 'actionTypeId');
      // A third-party job handed out here could not be acknowledged without a client token: it would only sit leased.
      if (actionTypeId.owner === 'ThirdParty') throw validationException([{ path: 'actionTypeId.owner', value: 'ThirdParty', constraint: 'ThirdParty jobs are polled with PollForThirdPartyJobs' }]);
      const { pollForJobs } = await graphql(call, `mutation($t: ActionTypeIdInput!, $n: Int) { pollForJobs(actionTypeId: $t, maxBatchSize: $n, waitMs: 0) { id nonce accountId ${JOB_DATA} } }`, {
        t: actionTypeId,
        n: batch,
      });
      // No job: as CodePipeline, say so when the custom action type does not exist rather than answer "none yet".
      if (pollForJobs.length === 0 && actionTypeId.owner === 'Custom') {
        // A worker allowed to poll but not to list action types is not refused for asking: the check is skipped. A
        // deleted type is still polled: the definitions stored before the delete still make its jobs.
        const listed = await graphql(call, 'query { listActionTypes(owner: Custom, includeDeleted: true) { id { category owner provider version } } }', {}).catch(notForbidden);
        const same = (id: Json) => ['category', 'owner', 'provider', 'version'].every((key) => id[key] === actionTypeId[key]);
        if (listed && !(listed.listActionTypes as Json[]).some((type) => same(type.id))) {
          throw new AwsError('ActionTypeNotFoundException', `The custom action type ${['category', 'owner', 'provider', 'version'].map((key) => String(actionTypeId[key])).join('/')} does not exist in this account.`);
        }
      }
      return { jobs: (pollForJobs as Json[]).map((job) => ({ id: job.id, nonce: job.nonce, accountId: job.accountId, data: jobDataOf(job.data) })) };
    },

    async AcknowledgeJob(input, call) {
      const { acknowledgeJob } = await graphql(call, 'mutation($id: ID!, $nonce: String!) { acknowledgeJob(jobId: $id, nonce: $nonce) { status } }', {
        id: requiredString(input, 'jobId'),
        nonce: requiredString(input, 'nonce'),
      });
      return { status: acknowledgeJob.status };
    },

    async GetJobDetails(input, call) {
      const { getJobDetails } = await graphql(call, `query($id: ID!) { getJobDetails(jobId: $id) { id accountId ${JOB_DATA} } }`, { id: requiredString(input, 'jobId') });
      return { jobDetails: { id: getJobDetails.id, accountId: getJobDetails.accountId, data: jobDataOf(getJobDetails.data) } };
    },

    async PutJobSuccessResult(input, call) {
      const details = (input.executionDetails ?? undefined) as Json | undefined;
      const variables = (input.outputVariables ?? {}) as Json;
      await graphql(
        call,
        'mutation($id: ID!, $vars: [OutputVariableInput!], $details: ExecutionDetailsInput, $continuation: String) { putJobSuccessResult(jobId: $id, outputVariables: $vars, executionDetails: $details, continuationToken: $continuation) }',
        {
          id: requiredString(input, 'jobId'),
          vars: Object.entries(variables).map(([name, value]) => ({ name, value: String(value) })),
          details: details ? compact({ summary: details.summary, externalExecutionId: details.externalExecutionId }) : null,
          continuation: optionalString(input, 'continuationToken') ?? null,
        },
      );
      return {};
    },

    async PutJobFailureResult(input, call) {
      const failure = requiredObject(input, 'failureDetails');
      await graphql(call, 'mutation($id: ID!, $failure: FailureDetailsInput!) { putJobFailureResult(jobId: $id, failureDetails: $failure) }', {
        id: requiredString(input, 'jobId'),
        failure: compact({ type: requiredString(failure, 'type'), message: requiredString(failure, 'message'), externalExecutionId: failure.externalExecutionId }),
      });
      return {};
    },

    async CreateCustomActionType(input, call) {
      const { createCustomActionType } = await graphql(
        call,
        `mutation($input: JSON!) { createCustomActionType(input: $input) { id { category owner provider version } settings actionConfigurationProperties
          inputArtifactDetails { minimumCount maximumCount } outputArtifactDetails { minimumCount maximumCount } tags { key value } } }`,
        { input },
      );
      const { tags, ...actionType } = createCustomActionType as Json;
      return compact({ actionType: compact(actionType), tags: Array.isArray(input.tags) ? tags : undefined });
    },

    async ListActionTypes(input, call) {
      // One page holds every type: no token is ever handed out, so one given must at least be one (else InvalidNextToken).
      decodeNextToken('ListActionTypes', input.nextToken);
      const owner = optionalString(input, 'actionOwnerFilter');
      const { listActionTypes } = await graphql(
        call,
        `query($owner: ActionOwner) { listActionTypes(owner: $owner) { id { category owner provider version } settings actionConfigurationProperties
          inputArtifactDetails { minimumCount maximumCount } outputArtifactDetails { minimumCount maximumCount } } }`,
        { owner: owner ?? null },
      );
      return { actionTypes: (listActionTypes as Json[]).map((type) => compact(type)) };
    },

    async TagResource(input, call) {
      const name = pipelineOfArn(input, call);
      const { getPipeline } = await graphql(call, `query($name: String!) { getPipeline(name: $name) { ${PIPELINE_METADATA} } }`, { name });
      await graphql(call, 'mutation($arn: String!, $tags: [TagInput!]!) { tagResource(resourceArn: $arn, tags: $tags) { key } }', { arn: getPipeline.metadata.pipelineArn, tags: tagsOf(input) });
      return {};
    },

    async UntagResource(input, call) {
      const name = pipelineOfArn(input, call);
      const keys = input.tagKeys;
      if (!Array.isArray(keys) || keys.some((key) => typeof key !== 'string')) throw validationException([{ path: 'tagKeys', value: keys, constraint: 'Member must be a list of strings' }]);
      const { getPipeline } = await graphql(call, `query($name: String!) { getPipeline(name: $name) { ${PIPELINE_METADATA} } }`, { name });
      await graphql(call, 'mutation($arn: String!, $keys: [String!]!) { untagResource(resourceArn: $arn, tagKeys: $keys) { key } }', { arn: getPipeline.metadata.pipelineArn, keys });
      return {};
    },

    async ListTagsForResource(input, call) {
      const { getPipeline } = await graphql(call, 'query($name: String!) { getPipeline(name: $name) { tags { key value } } }', { name: pipelineOfArn(input, call) });
      return { tags: getPipeline.tags };
    },

    // Issue 19, each group in its own file.
    ...actionTypeOperations(graphql),
    ...ruleOperations(graphql),
    ...actionRevisionOperations(graphql),
    ...deployTargetOperations(graphql),
    ...thirdPartyJobOperations(graphql),
  };
}
