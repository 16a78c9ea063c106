import { AsOfCutoff, parseInstant, scanStreams, streamAsOf, type EventStore, type RecordedEvent } from '@sluice/eventing';
import { NotFoundError, invalidInput, type ActionExecutionDetail, type PipelineExecutionSummary, type PipelineStateView } from '../domain';
import { EXECUTION_STREAM_PREFIX, executionStreamId, lanesStreamId, type PipelineRef, pipelineStreamId } from '@sluice/contracts';
import { PipelineCatalogProjection } from '../projections/pipeline-catalog/pipeline-catalog-projection';
import { EngineStreamsProjection } from '../projections/engine-streams-projection';
import { expiredExecutionStreamId } from '../domain';
import type { Caller, Clock } from './caller';
import { ExecutionQueries } from './execution-queries';

export interface ExecutionAsOf {
  /** The instant of the answer: the one asked for, or now for an instant still to come. */
  at: string;
  pipelineExecution: PipelineExecutionSummary;
  /** Its action attempts as they were then, in start order. */
  actionExecutions: ActionExecutionDetail[];
}

export interface PipelineStateAsOf extends PipelineStateView {
  at: string;
}

export interface AsOfOptions {
  /** How far the writers' clocks may disagree: a scan of the store stops at an event that occurred this long after the instant. Default 60 s. */
  clockSkewMs?: number;
}

/**
 * Time travel (docs/decisions/0022): the events that occurred up to an instant, folded into fresh copies
 * of the live folds (EngineStreamsProjection, the pipeline catalog), then asked the live queries
 * (ExecutionQueries). Nothing here decides what a state means.
 */
export class ExecutionAsOfQueries {
  private readonly clockSkewMs: number;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    options: AsOfOptions = {},
  ) {
    this.clockSkewMs = options.clockSkewMs ?? 60_000;
  }

  async executionAsOf(caller: Caller, pipelineExecutionId: string, at: string): Promise<ExecutionAsOf> {
    const instant = this.instant(at);
    const folds = new EngineStreamsProjection({ withReadModels: true });
    for (const event of streamAsOf(await this.store.readStream(executionStreamId(pipelineExecutionId)), instant)) folds.apply(event);
    // Expired by retention (decision 0056): its past is no longer answered either, whatever the instant.
    for (const event of await this.store.readStream(expiredExecutionStreamId(pipelineExecutionId))) folds.apply(event);
    const views = folds.views();
    const pipeline = await views.pipelineOf(pipelineExecutionId);
    // Another account's execution is as absent as one that had not started.
    if (!pipeline || pipeline.account !== caller.account) {
      throw new NotFoundError('execution', pipelineExecutionId, `The execution '${pipelineExecutionId}' did not exist at ${instant.toISOString()}.`);
    }
    const queries = new ExecutionQueries(views, { latest: () => undefined });
    const pipelineExecution = await queries.getPipelineExecution(caller, pipeline.name, pipelineExecutionId);
    const actionExecutions = (await views.actionDetails(pipeline, pipelineExecutionId)) ?? [];
    return { at: instant.toISOString(), pipelineExecution, actionExecutions };
  }

  /**
   * One pass over the store from the start, of the pipeline's own stream (for the definitions of then), its
   * lanes, and the execution streams (the store filters by prefix; job streams are never read), keeping the
   * executions whose first event names the pipeline, each stream cut at the instant, folded in store order as
   * the live projection folds them. It stops past the instant plus the clock skew.
   */
  async pipelineStateAsOf(caller: Caller, pipelineName: string, at: string): Promise<PipelineStateAsOf> {
    const instant = this.instant(at);
    const pipeline: PipelineRef = { account: caller.account, name: pipelineName };
    const folds = new EngineStreamsProjection({ withReadModels: true });
    const catalog = new PipelineCatalogProjection();
    const cutoff = new AsOfCutoff(instant);
    const pipelineStream = pipelineStreamId(pipeline.account, pipeline.name);
    const lanesStream = lanesStreamId(pipeline);
    const executions = new Map<string, boolean>();
    const belongs = (event: RecordedEvent): boolean => {
      if (!event.streamId.startsWith(EXECUTION_STREAM_PREFIX)) return false;
      let known = executions.get(event.streamId);
      if (known === undefined) {
        known = event.type === 'PipelineExecutionStarted' && isSamePipeline((event.data as { inputs?: { pipeline?: PipelineRef } }).inputs?.pipeline, pipeline);
        executions.set(event.streamId, known);
      }
      return known;
    };
    await scanStreams(this.store, [pipelineStream, lanesStream, EXECUTION_STREAM_PREFIX], (event) => {
      if (cutoff.beyondHorizon(event, this.clockSkewMs)) return 'stop';
      if (event.streamId === pipelineStream) {
        if (cutoff.accepts(event)) catalog.apply(event);
      } else if (event.streamId === lanesStream || belongs(event)) {
        if (cutoff.accepts(event)) folds.apply(event);
      }
      return 'continue';
    });
    const queries = new ExecutionQueries(folds.views(), catalog.catalog);
    try {
      return { ...(await queries.getPipelineState(caller, pipelineName)), at: instant.toISOString() };
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new NotFoundError('pipeline', pipelineName, `Pipeline '${pipelineName}' did not exist at ${instant.toISOString()}.`);
      }
      throw error;
    }
  }

  private instant(at: string): Date {
    const parsed = parseInstant(at);
    if (!parsed.ok) throw invalidInput('at', `at ${parsed.reason}`, 'invalid_instant');
    const now = this.clock();
    return parsed.instant.getTime() > now.getTime() ? now : parsed.instant;
  }
}

function isSamePipeline(candidate: PipelineRef | undefined, pipeline: PipelineRef): boolean {
  return candidate !== undefined && candidate.account === pipeline.account && candidate.name === pipeline.name;
}
