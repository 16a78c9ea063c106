import type { LogChunkReader } from '@sluice/artifact-store';
import { GraphQLBoolean, GraphQLID, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLString, type GraphQLFieldConfig } from 'graphql';
import { ACTION_LOG_STREAM_PREFIX, type ActionLogAppended } from '@sluice/contracts';
import type { EventStore, RecordedEvent } from '@sluice/eventing';
import { storeFeed, type FeedGauge } from './store-feed';
import type { SubscriptionContext } from './subscription-schema';

type ActionLogAppendedData = ActionLogAppended['data'];

/** One chunk of an action's output, as `actionLogAppended` sends it. */
export interface ActionLogEntry extends Omit<ActionLogAppendedData, 'pipelineName' | 'chunk' | 'chunkRef'> {
  /** The text: read from the log store (docs/decisions/0049), or from the event for events written before it; '' once expired. */
  chunk: string;
  /** The text's chunk is no longer kept (the logs' retention removed it). */
  expired: boolean;
  /** The store position of the event: pass it as `after` to resume (the same cursor `actionLogs` answers). */
  cursor: string;
  pipelineName: string;
}

const required = (type: typeof GraphQLString | typeof GraphQLInt | typeof GraphQLID) => ({ type: new GraphQLNonNull(type) });

const ActionLogEntryType = new GraphQLObjectType<ActionLogEntry>({
  name: 'ActionLogEntry',
  fields: {
    cursor: { ...required(GraphQLString), description: 'The store position of the chunk: pass it as `after` to resume after it.' },
    pipelineName: required(GraphQLString),
    pipelineExecutionId: required(GraphQLID),
    stageName: required(GraphQLString),
    actionName: required(GraphQLString),
    actionExecutionId: required(GraphQLString),
    jobId: required(GraphQLID),
    sequence: { ...required(GraphQLInt), description: 'Per job, from 0.' },
    stream: { ...required(GraphQLString), description: 'stdout, stderr, or system (the worker’s and the service’s own notes).' },
    chunk: { ...required(GraphQLString), description: 'The text; empty once expired.' },
    expired: { type: new GraphQLNonNull(GraphQLBoolean), description: 'The text is no longer kept (the logs’ retention removed its chunk): the entry stays, its text is gone.' },
    at: { ...required(GraphQLString), description: 'When the worker read it from the process (ISO-8601).' },
  },
});

/**
 * An `ActionLogAppended` event of the execution's log stream as an entry, when it is of the account and matches the
 * filter and `mayRead` its pipeline; its text read from the log store when the event references it.
 */
export async function toActionLogEntry(
  event: RecordedEvent,
  filter: { executionId: string; account: string; stageName?: string; actionName?: string },
  logChunks?: LogChunkReader,
  mayRead: (pipelineName: string) => boolean = () => true,
): Promise<ActionLogEntry | undefined> {
  if (event.type !== 'ActionLogAppended' || event.streamId !== `${ACTION_LOG_STREAM_PREFIX}${filter.executionId}`) return undefined;
  if (event.metadata.account !== filter.account) return undefined;
  const { chunk, chunkRef, ...data } = event.data as ActionLogAppendedData;
  if ((filter.stageName ?? data.stageName) !== data.stageName || (filter.actionName ?? data.actionName) !== data.actionName) return undefined;
  // Authorized before a byte of the log store is read.
  if (!mayRead(data.pipelineName)) return undefined;
  if (chunkRef === undefined) return { ...data, chunk: chunk ?? '', expired: false, cursor: event.position.toString() };
  if (logChunks === undefined) throw new Error('This gateway has no log store to read the action logs from (SLUICE_LOGS)');
  const text = await logChunks.readUnlessExpired(chunkRef);
  return { ...data, chunk: text ?? '', expired: text === null, cursor: event.position.toString() };
}

/**
 * `actionLogAppended(executionId, stageName?, actionName?, after?)`: every chunk of an execution's logs as
 * it is stored, from the store like every other subscription (catch-up from `after`, then live, no seam), reading
 * the execution's log stream only.
 */
export function actionLogAppendedField(
  store: EventStore,
  gauge: FeedGauge,
  cursorOf: (after: unknown) => bigint | undefined,
  mayRead: (context: SubscriptionContext, pipelineName: string) => boolean,
  logChunks?: LogChunkReader,
): GraphQLFieldConfig<ActionLogEntry, SubscriptionContext> {
  return {
    type: new GraphQLNonNull(ActionLogEntryType),
    description: 'Each chunk of one execution’s action logs as it is stored; `after` (a cursor) resumes without a gap or a repeat.',
    args: { executionId: { type: new GraphQLNonNull(GraphQLID) }, stageName: { type: GraphQLString }, actionName: { type: GraphQLString }, after: { type: GraphQLString } },
    subscribe: (_source, args, context) => {
      const filter = {
        executionId: String(args.executionId),
        account: context.account,
        ...(typeof args.stageName === 'string' ? { stageName: args.stageName } : {}),
        ...(typeof args.actionName === 'string' ? { actionName: args.actionName } : {}),
      };
      return storeFeed(store, {
        after: cursorOf(args.after),
        gauge,
        // One execution's log stream: a cursor of 0 (nothing stored yet) reads that stream, not the whole store.
        source: { stream: `${ACTION_LOG_STREAM_PREFIX}${filter.executionId}` },
        select: (event) => toActionLogEntry(event, filter, logChunks, (pipelineName) => mayRead(context, pipelineName)),
      });
    },
    resolve: (entry) => entry,
  };
}
