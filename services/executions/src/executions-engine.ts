import { randomUUID } from 'node:crypto';
import { CommandHandler, type EventStore, type RebuildableProjection } from '@sluice/eventing';
import type { Bus, ProcessedEventsStore } from '@sluice/messaging';
import { ActionLogQueries } from './application/action-logs/action-log-queries';
import { DEFAULT_ACTION_LOG_LIMITS, type ActionLogLimits } from './application/action-logs/action-log-limits';
import { JobLogAppender } from './application/action-logs/append-job-logs';
import { AggregateCommands } from './application/aggregate-commands';
import { allowAllApprovals, type ApprovalAuthorizer } from './application/approval-authorizer';
import { ArtifactClaimsReader } from './application/artifact-claims-reader';
import { randomSource, type Clock, type IdGenerator, type RandomSource } from './application/caller';
import { loadExecutionIdKey } from './application/execution-id-for-token';
import { ExecutionAsOfQueries } from './application/execution-as-of';
import { ExecutionCommandHandlers } from './application/execution-command-handlers';
import { ExecutionQueries } from './application/execution-queries';
import { JobWorkerHandlers, type JobCaller, type JobWorkerApi } from './application/job-worker-api';
import { defaultJobQueuePolicy, type JobQueuePolicy } from './domain';
import { EngineRunner } from './engine/engine-runner';
import type { StageConditionEvaluator } from './engine/stage-condition-evaluator';
import { PipelineCatalog } from './pipeline-catalog/pipeline-catalog';
import { PIPELINE_CATALOG_PROJECTION } from './pipeline-catalog/pipeline-catalog-projection';
import { subscribeToPipelineEvents } from './pipeline-catalog/pipeline-events-subscription';
import { ExecutionsProjection } from './projections/executions-projection';

export interface ExecutionsEngineOptions {
  store: EventStore;
  bus: Bus;
  clock?: Clock;
  /** Ids of executions and correlations (random UUIDs by default). */
  ids?: IdGenerator;
  /** Entropy of commands and nonces of jobs: 128 random bits or more (`randomSource` by default). */
  random?: RandomSource;
  /** The key of execution ids derived from client request tokens; by default kept in the store (loadExecutionIdKey). */
  executionIdKey?: Buffer;
  jobQueuePolicy?: JobQueuePolicy;
  approvalAuthorizer?: ApprovalAuthorizer;
  /** Runs the rules of stage conditions; by default the built-in ones (VariableCheck) and any other rule fails its condition (engine/built-in-rules.ts). */
  conditionEvaluator?: StageConditionEvaluator;
  /** False for a node that only serves the API (default true: this node also runs executions). */
  runEngine?: boolean;
  /** Names this instance's own catalog consumer group (default: a random id). */
  instanceId?: string;
  /** Dedupe store of the transition feed; give a durable one (createPostgresProcessedEvents) in distributed mode. */
  processedEvents?: ProcessedEventsStore;
  /** The topic of the pipelines service's events (default PIPELINE_EVENTS_TOPIC); tests sharing a broker give each run its own. */
  pipelineEventsTopic?: string;
  /** Sees failures the engine retries by itself (a step that could not be appended, a projection that stopped). */
  onError?: (error: unknown, context: string) => void;
  /** Sizes of action logs (docs/decisions/0016); defaults DEFAULT_ACTION_LOG_LIMITS. */
  actionLogLimits?: Partial<ActionLogLimits>;
}

type Handlers = Pick<
  ExecutionCommandHandlers,
  'startPipelineExecution' | 'stopPipelineExecution' | 'retryStageExecution' | 'rollbackStage' | 'rerunStage' | 'putApprovalResult'
>;
type Queries = Pick<ExecutionQueries, 'getPipelineState' | 'getPipelineExecution' | 'listPipelineExecutions' | 'listActionExecutions'>;
/** Time travel: folds of the store up to an instant (docs/decisions/0022). */
type AsOfQueries = Pick<ExecutionAsOfQueries, 'executionAsOf' | 'pipelineStateAsOf'>;
/** Action logs as events (docs/decisions/0016): the job's holder appends (its caller last, as every job call), anyone of the account reads. */
type ActionLogs = Pick<JobLogAppender, 'appendJobLogs'> & Pick<ActionLogQueries, 'actionLogs'>;

/** The executions service's application functions, for the GraphQL API, the CLI, workers and benchmarks. */
export interface ExecutionsEngine extends Handlers, Queries, AsOfQueries, ActionLogs, JobWorkerApi {
  /** The definitions received from the pipelines service (read access, e.g. to wait for a version). */
  readonly pipelineCatalog: Pick<PipelineCatalog, 'latest' | 'definition' | 'transition' | 'whenKnown'>;
  /** The live projections' names and contents, to compare with copies rebuilt from the store (docs/decisions/0022). */
  readonly liveProjections: ReadonlyArray<Pick<RebuildableProjection, 'name' | 'contents'>>;
  /** Counters for operators and benchmarks. */
  diagnostics(): { conflicts: number };
  /** Resolves once the read models include the store's event at `position`. */
  waitForPosition(position: bigint): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Composition of the executions service: the projection (states and read models, replayed at start),
 * the pipeline catalog (from the bus), the application handlers, and unless `runEngine` is false, the
 * engine runner that drives executions. Resolves once the replay has caught up and the engine runs.
 */
export async function createExecutionsEngine(options: ExecutionsEngineOptions): Promise<ExecutionsEngine> {
  const clock = options.clock ?? (() => new Date());
  const ids = options.ids ?? randomUUID;
  const random = options.random ?? randomSource;
  const onError = options.onError ?? ((error, context) => console.error(`executions engine: ${context}:`, error));
  const projection = new ExecutionsProjection(options.store, { onError: (error) => onError(error, 'projection') });
  // The engine decides again after a conflict (another engine took the step): up to 25 appends.
  const handler = new CommandHandler(options.store, { maxAttempts: 25 });
  const commands = new AggregateCommands(handler, projection.states, options.jobQueuePolicy ?? defaultJobQueuePolicy);
  const catalog = new PipelineCatalog();
  const claims = new ArtifactClaimsReader(options.store, projection.artifactClaims);
  const executionIdKey = options.executionIdKey ?? (await loadExecutionIdKey(options.store, clock));
  const handlers = new ExecutionCommandHandlers({
    commands,
    handler,
    states: projection.states,
    definitions: catalog,
    approvals: { approvalLocation: (token) => projection.readModels.approval(token) },
    authorizer: options.approvalAuthorizer ?? allowAllApprovals,
    readModel: projection,
    claims,
    executionIdKey,
    clock,
    ids,
    random,
  });
  const logLimits = { ...DEFAULT_ACTION_LOG_LIMITS, ...options.actionLogLimits };
  const logAppender = new JobLogAppender({ store: options.store, handler, states: projection.states, clock, limits: logLimits });
  const jobs = new JobWorkerHandlers({
    store: options.store,
    commands,
    handler,
    states: projection.states,
    jobQueue: projection.jobQueue,
    claims,
    notes: (spec, attempt, chunk) => logAppender.appendNote(spec, attempt, chunk),
    clock,
    ids,
    random,
  });
  const queries = new ExecutionQueries(projection.states, projection.readModels, catalog);
  const asOf = new ExecutionAsOfQueries(options.store, clock);
  const logQueries = new ActionLogQueries(options.store, (executionId) => projection.readModels.pipelineOf(executionId));
  const runner =
    options.runEngine === false
      ? null
      : new EngineRunner({
          states: projection.states,
          commands,
          clock,
          random,
          conditionEvaluator: options.conditionEvaluator,
          onError: (error, executionId) => onError(error, `execution ${executionId}`),
        });

  await projection.start();
  const pipelineEvents = await subscribeToPipelineEvents({
    bus: options.bus,
    catalog,
    commands,
    instanceId: options.instanceId ?? ids(),
    processedEvents: options.processedEvents,
    topic: options.pipelineEventsTopic,
  });
  runner?.start();

  return {
    startPipelineExecution: (caller, input) => handlers.startPipelineExecution(caller, input),
    stopPipelineExecution: (caller, input) => handlers.stopPipelineExecution(caller, input),
    retryStageExecution: (caller, input) => handlers.retryStageExecution(caller, input),
    rollbackStage: (caller, input) => handlers.rollbackStage(caller, input),
    rerunStage: (caller, input) => handlers.rerunStage(caller, input),
    putApprovalResult: (caller, input) => handlers.putApprovalResult(caller, input),
    pollForJobs: (actionTypeId, maxBatchSize, pollOptions) => jobs.pollForJobs(actionTypeId, maxBatchSize, pollOptions),
    pollForAnyJobs: (actionTypeIds, maxBatchSize, pollOptions) => jobs.pollForAnyJobs(actionTypeIds, maxBatchSize, pollOptions),
    acknowledgeJob: (jobId, nonce, caller?: JobCaller) => jobs.acknowledgeJob(jobId, nonce, caller),
    heartbeat: (jobId, nonce, caller?: JobCaller) => jobs.heartbeat(jobId, nonce, caller),
    putJobSuccessResult: (jobId, result, caller?: JobCaller) => jobs.putJobSuccessResult(jobId, result, caller),
    putJobFailureResult: (jobId, failure, caller?: JobCaller) => jobs.putJobFailureResult(jobId, failure, caller),
    getJobDetails: (jobId, caller?: JobCaller) => jobs.getJobDetails(jobId, caller),
    releaseJobs: (workers, reason) => jobs.releaseJobs(workers, reason),
    releaseJob: (jobId, nonce, reason, caller?: JobCaller) => jobs.releaseJob(jobId, nonce, reason, caller),
    appendJobLogs: (jobId, nonce, entries, caller?: JobCaller) => logAppender.appendJobLogs(jobId, nonce, entries, caller),
    actionLogs: (caller, executionId, query) => logQueries.actionLogs(caller, executionId, query),
    getPipelineState: (caller, pipelineName) => queries.getPipelineState(caller, pipelineName),
    getPipelineExecution: (caller, pipelineName, executionId) => queries.getPipelineExecution(caller, pipelineName, executionId),
    listPipelineExecutions: (caller, pipelineName, query) => queries.listPipelineExecutions(caller, pipelineName, query),
    listActionExecutions: (caller, pipelineName, query) => queries.listActionExecutions(caller, pipelineName, query),
    executionAsOf: (caller, executionId, at) => asOf.executionAsOf(caller, executionId, at),
    pipelineStateAsOf: (caller, pipelineName, at) => asOf.pipelineStateAsOf(caller, pipelineName, at),
    pipelineCatalog: catalog,
    liveProjections: [projection.folds, { name: PIPELINE_CATALOG_PROJECTION, contents: () => catalog.contents() }],
    diagnostics: () => ({ conflicts: handler.conflicts }),
    waitForPosition: (position) => projection.waitForPosition(position),
    async stop() {
      await runner?.stop();
      await pipelineEvents.stop();
      await projection.stop();
    },
  };
}
