import type { LogChunkReader } from '@sluice/artifact-store';
import { GraphQLError, GraphQLID, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, type GraphQLFieldConfig } from 'graphql';
import type { EventStore, RecordedEvent } from '@sluice/eventing';
import { EXECUTION_STREAM_PREFIX, executionIdOfStream, executionStreamId, lanesStreamId, pipelineOfLanesStream } from '@sluice/contracts';
import { actionLogAppendedField } from './action-log-appended';
import { auditRecordedField } from './audit-recorded';
import { ExecutionPipelines } from './execution-pipelines';
import { toExecutionUpdate, toPipelineStateChange, type ExecutionUpdate, type PipelineStateChange } from './execution-updates';
import { storeFeed, type FeedGauge } from './store-feed';

/** Who subscribes: the account of the connection (`x-sluice-account`), as queries are scoped. */
export interface SubscriptionContext {
  account: string;
  /** With authentication on: may the connection's principal read this pipeline with this action (each event is asked). */
  mayRead?: (action: string, pipelineName: string) => boolean;
}

const readable = (context: SubscriptionContext, action: string, pipelineName: string): boolean => context.mayRead?.(action, pipelineName) ?? true;

const string = { type: GraphQLString };
const required = { type: new GraphQLNonNull(GraphQLString) };
const changeFields = {
  cursor: { ...required, description: 'The store position of the change: pass it as `after` to resume after it.' },
  pipelineName: required,
  status: { ...string, description: 'What the change sets: of the action if `actionName` is set, else of the stage, else of the execution.' },
  stageName: string,
  actionName: string,
  eventType: { ...required, description: 'The stored event, e.g. `ActionExecutionSucceeded`.' },
  at: { ...required, description: 'When it happened (ISO-8601).' },
};

const ExecutionUpdateType = new GraphQLObjectType<ExecutionUpdate>({
  name: 'ExecutionUpdate',
  fields: { ...changeFields, pipelineExecutionId: { type: new GraphQLNonNull(GraphQLID) } },
});

const PipelineStateChangeType = new GraphQLObjectType<PipelineStateChange>({
  name: 'PipelineStateChange',
  fields: { ...changeFields, pipelineExecutionId: { type: GraphQLID } },
});

function cursorOf(after: unknown): bigint | undefined {
  if (after === undefined || after === null) return undefined;
  if (typeof after !== 'string' || !/^\d{1,19}$/.test(after)) {
    throw new GraphQLError(`after: '${String(after)}' is not a cursor (the \`cursor\` of an update)`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return BigInt(after);
}

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The gateway's own schema for subscriptions over graphql-ws: every update comes from the event store
 * (`execution-` and `lanes-` streams), so a cursor is a store position.
 */
export function subscriptionSchema(store: EventStore, gauge: FeedGauge, logChunks?: LogChunkReader): GraphQLSchema {
  const pipelines = new ExecutionPipelines(store);

  const executionUpdated: GraphQLFieldConfig<ExecutionUpdate, SubscriptionContext> = {
    type: new GraphQLNonNull(ExecutionUpdateType),
    description: 'Every change of the account’s executions, of one pipeline or one execution; `after` resumes after a cursor.',
    args: { pipelineName: { type: GraphQLString }, executionId: { type: GraphQLID }, after: { type: GraphQLString } },
    subscribe: (_source, args, context) => {
      const pipelineName = optionalString(args.pipelineName);
      const executionId = optionalString(args.executionId);
      return storeFeed(store, {
        after: cursorOf(args.after),
        gauge,
        // One execution: its own stream, so resuming from an old cursor reads that execution, not the store since then.
        source: executionId === undefined ? { streamPrefixes: [EXECUTION_STREAM_PREFIX] } : { stream: executionStreamId(executionId) },
        select: async (event: RecordedEvent) => {
          if (event.metadata.account !== context.account) return undefined;
          if (executionId !== undefined && executionIdOfStream(event.streamId) !== executionId) return undefined;
          const name = await pipelines.pipelineOf(event);
          if (name === undefined || (pipelineName !== undefined && name !== pipelineName)) return undefined;
          if (!readable(context, 'sluice:GetPipelineExecution', name)) return undefined;
          return toExecutionUpdate(event, name);
        },
      });
    },
    resolve: (update) => update,
  };

  const pipelineStateChanged: GraphQLFieldConfig<PipelineStateChange, SubscriptionContext> = {
    type: new GraphQLNonNull(PipelineStateChangeType),
    description: 'Every change of what `getPipelineState` answers for one pipeline: stage and action runs, lanes, transitions.',
    args: { pipelineName: { type: new GraphQLNonNull(GraphQLString) }, after: { type: GraphQLString } },
    subscribe: (_source, args, context) => {
      const pipelineName = String(args.pipelineName);
      const lanes = lanesStreamId({ account: context.account, name: pipelineName });
      return storeFeed(store, {
        after: cursorOf(args.after),
        gauge,
        source: { streamPrefixes: [EXECUTION_STREAM_PREFIX, lanes] },
        select: async (event: RecordedEvent) => {
          if (event.metadata.account !== context.account) return undefined;
          if (!readable(context, 'sluice:GetPipelineState', pipelineName)) return undefined;
          if (pipelineOfLanesStream(event.streamId) !== undefined) {
            return event.streamId === lanes ? toPipelineStateChange(event, pipelineName) : undefined;
          }
          const name = await pipelines.pipelineOf(event);
          return name === pipelineName ? toPipelineStateChange(event, name) : undefined;
        },
      });
    },
    resolve: (change) => change,
  };

  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: { subscriptionsOnly: { type: required.type, description: 'Queries and mutations: POST /graphql.', resolve: () => 'POST /graphql' } },
    }),
    subscription: new GraphQLObjectType<unknown, SubscriptionContext>({
      name: 'Subscription',
      fields: {
        executionUpdated,
        pipelineStateChanged,
        actionLogAppended: actionLogAppendedField(store, gauge, cursorOf, (context, name) => readable(context, 'sluice:ListActionExecutions', name), logChunks),
        auditRecorded: auditRecordedField<SubscriptionContext>(store, gauge, cursorOf),
      } as Record<string, GraphQLFieldConfig<unknown, SubscriptionContext>>,
    }),
  });
}
