import { LogChunkReader, type ArtifactStore } from '@sluice/artifact-store';
import { randomUUID } from 'node:crypto';
import { EnvironmentFreezeCommands } from './application/environment-freeze-commands';
import { engineRules } from './application/engine/built-in-rules';
import type { SubgraphService, SubgraphServiceOptions } from '@sluice/graphql-service';
import { CommandHandler, type EventStore, type RebuildableProjection } from '@sluice/eventing';
import type { Bus, ProcessedEventsStore } from '@sluice/messaging';
import { ActionLogQueries } from './application/action-logs/action-log-queries';
import { DEFAULT_ACTION_LOG_LIMITS, type ActionLogLimits } from './application/action-logs/action-log-limits';
import { JobLogAppender } from './application/action-logs/append-job-logs';
import { AggregateCommands } from './application/aggregate-commands';
import { allowAllApprovals, type ApprovalAuthorizer } from './application/approval-authorizer';
import { ArtifactClaimsReader } from './application/artifact-claims-reader';
import { randomSource, type Clock, type IdGenerator, type RandomSource } from './application/caller';
import { EngineRunner } from './application/engine/engine-runner';
import type { StageConditionEvaluator } from './application/engine/stage-condition-evaluator';
import { ExecutionAsOfQueries } from './application/execution-as-of';
import { ExecutionCommandHandlers } from './application/execution-command-handlers';
import { loadExecutionIdKey } from './application/execution-id-for-token';
import { ExecutionQueries } from './application/execution-queries';
import { RetentionCommands, storedRetention } from './application/retention/retention-commands';
import { RetentionSweep, type RetentionSweepReport } from './application/retention/retention-sweep';
import { JobWorkerHandlers, type JobWorkerApi } from './application/job-worker-api';
import { JobMasks, storeJobSecrets, type JobSecrets } from './application/job-secrets';
import type { AuditChainKeySource } from '@sluice/authz';
import type { MasterKeyCipher } from '@sluice/runtime';
import { defaultJobQueuePolicy, type JobQueuePolicy } from './domain';
import { DEFAULT_RETENTION_SWEEP_INTERVAL_MS } from './executions-config';
import { ExecutionsProjection } from './projections/executions-projection';
import { PipelineCatalog } from './projections/pipeline-catalog/pipeline-catalog';
import { PIPELINE_CATALOG_PROJECTION } from './projections/pipeline-catalog/pipeline-catalog-projection';
import { subscribeToPipelineEvents } from './projections/pipeline-catalog/pipeline-events-subscription';

/** What the application is composed with: the store, and where time, ids and entropy come from. */
export interface ExecutionsComposition {
  store: EventStore;
  clock: Clock;
  /** Ids of executions and correlations. */
  ids: IdGenerator;
  /** Entropy of commands and nonces of jobs: 128 random bits or more. */
  random: RandomSource;
  /** The key of execution ids derived from client request tokens (loadExecutionIdKey). */
  executionIdKey: Buffer;
  jobQueuePolicy?: JobQueuePolicy;
  approvalAuthorizer?: ApprovalAuthorizer;
  /**
   * Where the text of action logs goes, in chunks the log events reference (docs/decisions/0049); every product
   * composition gives one (SLUICE_LOGS). Without it the text stays in the events, as before 0049.
   */
  actionLogStore?: ArtifactStore;
  /** Sizes of action logs (docs/decisions/0016); defaults DEFAULT_ACTION_LOG_LIMITS. */
  actionLogLimits?: Partial<ActionLogLimits>;
  /** Opens the secrets jobs reference as they are handed out (decision 0043); without it such jobs fail. */
  secrets?: JobSecrets;
}

/** The executions application on one store: its command handlers and queries over its projection and catalog, no framework. */
/** The token the API's resolvers inject the composed application by: the one value Nest binds (decision 0036). */
export const EXECUTIONS_APPLICATION = Symbol('ExecutionsApplication');

export interface ExecutionsApplication {
  projection: ExecutionsProjection;
  /** The definitions received from the pipelines service. */
  catalog: PipelineCatalog;
  /** Appends every command; its `conflicts` count is the engine's diagnostics. */
  handler: CommandHandler;
  /** The aggregates' commands, as the engine runner and the pipeline-events subscription issue them. */
  commands: AggregateCommands;
  executions: ExecutionCommandHandlers;
  jobs: JobWorkerHandlers;
  /** Action logs as events (docs/decisions/0016): the job's holder appends (its caller last, as every job call)… */
  jobLogs: JobLogAppender;
  /** … and anyone of the account reads. */
  actionLogs: ActionLogQueries;
  queries: ExecutionQueries;
  /** Time travel: folds of the store up to an instant (docs/decisions/0022). */
  asOf: ExecutionAsOfQueries;
  /** Environment freezes of an account (issue 21). */
  freezes: EnvironmentFreezeCommands;
  /** An account's retention period (docs/decisions/0056)… */
  retention: RetentionCommands;
  /** … and the sweep that expires what is older (scheduled by the engine, and on demand). */
  retentionSweep: RetentionSweep;
}

/** Composes the application on a projection and a catalog its caller starts and stops. */
export function composeExecutions(projection: ExecutionsProjection, catalog: PipelineCatalog, options: ExecutionsComposition): ExecutionsApplication {
  const { store, clock, ids, random } = options;
  // The engine decides again after a conflict (another engine took the step): up to 25 appends.
  const handler = new CommandHandler(store, { maxAttempts: 25 });
  const commands = new AggregateCommands(handler, projection.states, options.jobQueuePolicy ?? defaultJobQueuePolicy);
  const claims = new ArtifactClaimsReader(store, (addresses) => projection.executionClaimants(addresses));
  const executions = new ExecutionCommandHandlers({
    commands,
    handler,
    states: projection.states,
    definitions: catalog,
    approvals: { approvalLocation: (token) => projection.views.approval(token) },
    authorizer: options.approvalAuthorizer ?? allowAllApprovals,
    readModel: projection,
    claims,
    executionIdKey: options.executionIdKey,
    clock,
    ids,
    random,
    load: (streamIds) => projection.load(streamIds),
    expiryOf: (executionId) => projection.views.expiryOf(executionId),
  });
  const limits = { ...DEFAULT_ACTION_LOG_LIMITS, ...options.actionLogLimits };
  const masks = new JobMasks(options.secrets);
  const logStore = options.actionLogStore;
  const jobLogs = new JobLogAppender({ store, handler, states: projection.states, clock, limits, masksOf: (spec) => masks.formsOf(spec), ...(logStore ? { logStore } : {}) });
  const jobs = new JobWorkerHandlers({
    store,
    commands,
    handler,
    states: projection.states,
    jobQueue: projection.jobQueue,
    claims,
    notes: (spec, attempt, chunk) => jobLogs.appendNote(spec, attempt, chunk),
    clock,
    ids,
    random,
    ...(options.secrets ? { secrets: options.secrets } : {}),
    masks,
  });
  return {
    freezes: new EnvironmentFreezeCommands(store, clock, ids),
    retention: new RetentionCommands(store, clock, ids),
    retentionSweep: new RetentionSweep({
      store,
      executionsAtRest: (account) => projection.readModel.model.executionsAtRest(account),
      expiryOf: (executionId) => projection.views.expiryOf(executionId),
      ...(logStore ? { logStore } : {}),
      retentionOf: storedRetention(store),
      clock,
      waitForPosition: (position) => projection.waitForPosition(position),
    }),
    projection,
    catalog,
    handler,
    commands,
    executions,
    jobs,
    jobLogs,
    actionLogs: new ActionLogQueries(
      store,
      (executionId) => projection.views.pipelineOf(executionId),
      logStore ? new LogChunkReader(logStore) : undefined,
      (executionId) => projection.views.expiryOf(executionId),
    ),
    queries: new ExecutionQueries(projection.views, catalog),
    asOf: new ExecutionAsOfQueries(store, clock),
  };
}

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
  /** Runs the rules of stage conditions; by default the built-in ones (VariableCheck) and any other rule fails its condition (application/engine/built-in-rules.ts). */
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
  /**
   * Where the text of action logs goes, in chunks the log events reference (docs/decisions/0049); every product
   * composition gives one (SLUICE_LOGS). Without it the text stays in the events, as before 0049.
   */
  actionLogStore?: ArtifactStore;
  /** Sizes of action logs (docs/decisions/0016); defaults DEFAULT_ACTION_LOG_LIMITS. */
  actionLogLimits?: Partial<ActionLogLimits>;
  /** The server's master key (decision 0043): opens the secrets a job references as it is handed out. */
  masterKeyCipher?: MasterKeyCipher;
  /** The audit chain key each use of a secret is recorded with (default: the process's, decision 0028). */
  auditKey?: AuditChainKeySource;
  /**
   * How often an engine node sweeps every account for executions past their retention (docs/decisions/0056;
   * default hourly, SLUICE_RETENTION_SWEEP_INTERVAL_MS); 0 for never (the sweep still runs on demand).
   */
  retentionSweepIntervalMs?: number;
  /** Finished executions kept in memory (default 500); older ones are loaded from the store when used (decision 0070). */
  retainFinished?: number;
}

// The application's operations the engine hands out in-process, each listed once: the engine's type follows from them.
const EXECUTION_COMMANDS = ['startPipelineExecution', 'stopPipelineExecution', 'retryStageExecution', 'rollbackStage', 'rerunStage', 'putApprovalResult', 'putActionRevision', 'overrideStageCondition'] as const;
const EXECUTION_QUERIES = ['getPipelineState', 'getPipelineExecution', 'listPipelineExecutions', 'listActionExecutions', 'listRuleExecutions', 'currentRevisionOf', 'listDeployActionExecutionTargets', 'listEnvironments', 'listDeployments', 'listUnpromoted', 'deliveryMetrics'] as const;
const AS_OF_QUERIES = ['executionAsOf', 'pipelineStateAsOf'] as const;
const JOB_WORKER_API = [
  'pollForJobs',
  'pollForAnyJobs',
  'acknowledgeJob',
  'heartbeat',
  'putJobSuccessResult',
  'putJobFailureResult',
  'getJobDetails',
  'releaseJobs',
  'releaseJob',
] as const satisfies ReadonlyArray<keyof JobWorkerApi>;

type Handlers = Pick<ExecutionCommandHandlers, (typeof EXECUTION_COMMANDS)[number]>;
type Queries = Pick<ExecutionQueries, (typeof EXECUTION_QUERIES)[number]>;
/** Time travel: folds of the store up to an instant (docs/decisions/0022). */
type AsOfQueries = Pick<ExecutionAsOfQueries, (typeof AS_OF_QUERIES)[number]>;
/** Action logs as events (docs/decisions/0016): the job's holder appends (its caller last, as every job call), anyone of the account reads. */
type ActionLogs = Pick<JobLogAppender, 'appendJobLogs'> & Pick<ActionLogQueries, 'actionLogs'>;

/** The executions service's application functions in-process, for the platform, the CLI, workers (a `jobApi`) and benchmarks. */
export interface ExecutionsEngine extends Handlers, Queries, AsOfQueries, ActionLogs, JobWorkerApi {
  /** The definitions received from the pipelines service (read access, e.g. to wait for a version). */
  readonly pipelineCatalog: Pick<PipelineCatalog, 'latest' | 'definition' | 'transition' | 'whenKnown'>;
  /** The live projections' names and contents, to compare with copies rebuilt from the store (docs/decisions/0022). */
  readonly liveProjections: ReadonlyArray<Pick<RebuildableProjection, 'name' | 'contents'>>;
  /**
   * Counters for operators and benchmarks: appends refused for a concurrent writer, and the events the queries' read
   * model read since this start (a restart reads only those after its checkpoint, decision 0069), and the engine
   * streams held in memory (decision 0070: those it works on and the most recently finished executions).
   */
  diagnostics(): { conflicts: number; readModelEventsRead: number; heldStreams: number };
  /** Resolves once the read models include the store's event at `position`. */
  waitForPosition(position: bigint): Promise<void>;
  /** Retention's sweep now, of one account or every one (docs/decisions/0056). */
  sweepRetention(account?: string): Promise<RetentionSweepReport>;
  stop(): Promise<void>;
}

/** `names` of `target`, bound to it: the engine hands out the application's own methods rather than a wrapper each. */
function methodsOf<T extends object, K extends keyof T>(target: T, names: readonly K[]): Pick<T, K> {
  return Object.fromEntries(names.map((name) => [name, (target[name] as (...args: unknown[]) => unknown).bind(target)])) as Pick<T, K>;
}

interface StartedExecutions {
  application: ExecutionsApplication;
  engine: ExecutionsEngine;
}

/**
 * The projection (states and read models, replayed at start) and the pipeline catalog (from the bus) started, the
 * application composed on them, and unless `runEngine` is false, the engine runner that drives executions.
 * Resolves once the replay has caught up and the engine runs.
 */
async function startExecutions(options: ExecutionsEngineOptions): Promise<StartedExecutions> {
  const clock = options.clock ?? (() => new Date());
  const ids = options.ids ?? randomUUID;
  const random = options.random ?? randomSource;
  const onError = options.onError ?? ((error, context) => console.error(`executions engine: ${context}:`, error));
  const projection = new ExecutionsProjection(options.store, {
    onError: (error) => onError(error, 'projection'),
    ...(options.retainFinished !== undefined ? { retainFinished: options.retainFinished } : {}),
  });
  const catalog = new PipelineCatalog();
  const application = composeExecutions(projection, catalog, {
    store: options.store,
    clock,
    ids,
    random,
    executionIdKey: options.executionIdKey ?? (await loadExecutionIdKey(options.store, clock)),
    ...(options.actionLogStore ? { actionLogStore: options.actionLogStore } : {}),
    jobQueuePolicy: options.jobQueuePolicy,
    approvalAuthorizer: options.approvalAuthorizer,
    actionLogLimits: options.actionLogLimits,
    ...(options.masterKeyCipher ? { secrets: storeJobSecrets(options.store, options.masterKeyCipher, { ...(options.auditKey ? { auditKey: options.auditKey } : {}), clock }) } : {}),
  });
  const runner =
    options.runEngine === false
      ? null
      : new EngineRunner({
          states: projection.states,
          commands: application.commands,
          clock,
          random,
          conditionEvaluator: options.conditionEvaluator ?? engineRules(options.store, clock),
          definitions: catalog,
          load: (streamIds) => projection.load(streamIds),
          onError: (error, executionId) => onError(error, `execution ${executionId}`),
        });

  await projection.start();
  const pipelineEvents = await subscribeToPipelineEvents({
    bus: options.bus,
    catalog,
    commands: application.commands,
    instanceId: options.instanceId ?? ids(),
    processedEvents: options.processedEvents,
    topic: options.pipelineEventsTopic,
  });
  runner?.start();
  const sweepEvery = options.runEngine === false ? 0 : (options.retentionSweepIntervalMs ?? DEFAULT_RETENTION_SWEEP_INTERVAL_MS);
  const sweeps =
    sweepEvery > 0
      ? setInterval(() => {
          application.retentionSweep.sweep().catch((error: unknown) => onError(error, 'retention sweep'));
        }, sweepEvery)
      : undefined;
  sweeps?.unref();

  const engine: ExecutionsEngine = {
    ...methodsOf(application.executions, EXECUTION_COMMANDS),
    ...methodsOf(application.queries, EXECUTION_QUERIES),
    ...methodsOf(application.asOf, AS_OF_QUERIES),
    ...methodsOf(application.jobs, JOB_WORKER_API),
    ...methodsOf(application.jobLogs, ['appendJobLogs']),
    ...methodsOf(application.actionLogs, ['actionLogs']),
    pipelineCatalog: catalog,
    liveProjections: [projection.folds, { name: PIPELINE_CATALOG_PROJECTION, contents: () => catalog.contents() }],
    diagnostics: () => ({ conflicts: application.handler.conflicts, readModelEventsRead: projection.readModel.runner.eventsRead, heldStreams: projection.states.size }),
    waitForPosition: (position) => projection.waitForPosition(position),
    sweepRetention: (account) => application.retentionSweep.sweep(account),
    async stop() {
      clearInterval(sweeps);
      await application.retentionSweep.idle();
      await runner?.stop();
      await pipelineEvents.stop();
      await projection.stop();
    },
  };
  return { application, engine };
}

/** The executions engine on a given store and bus, without the API: what tests, benchmarks and API-less nodes run. */
export async function createExecutionsEngine(options: ExecutionsEngineOptions): Promise<ExecutionsEngine> {
  return (await startExecutions(options)).engine;
}

export interface ExecutionsServiceOptions extends Omit<ExecutionsEngineOptions, 'onError'>, SubgraphServiceOptions {}

/** Its `stop` ends long polls, stops serving and the engine. */
export interface ExecutionsService extends SubgraphService {
  engine: ExecutionsEngine;
}

/** The executions service on a given store and bus: its engine caught up and running, then the subgraph. */
export async function createExecutionsService(options: ExecutionsServiceOptions): Promise<ExecutionsService> {
  const { serve, log = (line: string) => console.log(line), readiness, ...engineOptions } = options;
  const { application, engine } = await startExecutions({ ...engineOptions, onError: (error, context) => log(`executions engine: ${context}: ${describe(error)}`) });
  // NestJS is ESM-only (jest cannot load it): the API is loaded when served, not when this file is imported.
  const api = await loadExecutionsApi().catch(async (error: unknown) => {
    await engine.stop();
    throw error;
  });
  const shutdown = new AbortController();
  const served = await api.serveExecutionsApi(application, { ...serve, readiness, log, shutdown: shutdown.signal, stopAfter: () => engine.stop() });
  return {
    url: served.url,
    engine,
    async stop() {
      shutdown.abort();
      await served.close();
    },
  };
}

const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

/**
 * The executions API (NestJS, ESM-only, so never loaded by jest): loaded when served. A composer may start loading it
 * early, while something else waits (the embedded platform does while its database opens).
 */
export function loadExecutionsApi(): Promise<typeof import('./api/executions-api.module')> {
  return import('./api/executions-api.module');
}
