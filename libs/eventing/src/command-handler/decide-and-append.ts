import { context, propagation } from '@opentelemetry/api';
import type { EventMetadata, EventStore } from '../event-store';
import { CommandHandler, foldedFromStore, type Evolver, type StreamStateSource } from './command-handler';

/** The decider shape (Emmett, Equinox) as the write path needs it; `Decider` of @sluice/domain is one. */
export interface DeciderLike<Command, Event, State, Context> extends Evolver<State, Event> {
  decide(command: Command, state: State, context: Context): Event[];
}

/** What every command carries from the request (`CommandMetadata` of @sluice/domain). */
export interface CommandMetadataLike {
  now: string;
  account: string;
  actor: string;
  correlationId: string;
}

export interface Appended {
  /** Position of the last event appended; undefined when the command changed nothing. */
  position: bigint | undefined;
}

export interface DecideAndAppendOptions<State> {
  /** The handler (default: the store's API handler, one per store: no retry, no waiting, a concurrent write is a CONFLICT). */
  handler?: CommandHandler;
  /** Where the stream's state comes from (default: read the stream and fold it; `cachedStates` keeps it). */
  states?: StreamStateSource<State>;
}

const handlers = new WeakMap<EventStore, CommandHandler>();

/**
 * The API command handler of a store: a concurrent write to the stream, from this process or another, makes the
 * command fail with ConcurrencyError (CONFLICT), and its caller decides again on what it now sees — the published
 * behaviour of the pipelines and permissions APIs.
 */
export function commandHandlerOf(store: EventStore): CommandHandler {
  let handler = handlers.get(store);
  if (!handler) handlers.set(store, (handler = new CommandHandler(store, { serialisePerStream: false })));
  return handler;
}

/**
 * The metadata of the events a command appends; with `traceparent` (W3C trace context) when tracing is on and a span is
 * active — the request or the engine step that caused them — so whoever reacts to the events continues that trace
 * (docs/decisions/0050). Tracing off: the OpenTelemetry API's no-op propagator writes nothing.
 */
export function eventMetadataOf(metadata: CommandMetadataLike): Partial<EventMetadata> {
  const trace: { traceparent?: string } = {};
  propagation.inject(context.active(), trace);
  return {
    correlationId: metadata.correlationId,
    causationId: null,
    actor: metadata.actor,
    account: metadata.account,
    occurredAt: metadata.now,
    ...(trace.traceparent ? { traceparent: trace.traceparent } : {}),
  };
}

/**
 * A decider's command through the one write path (`CommandHandler`): load -> fold -> decide -> append with the
 * revision read. A writer that appended in between makes the append fail with ConcurrencyError (mapped to
 * CONFLICT): never a lost update. `streamId` is undefined when the command's input cannot name a stream; the
 * decider then decides on the initial state, and refuses it.
 */
export async function decideAndAppend<Command extends { metadata: CommandMetadataLike }, Event extends { type: string; data: unknown }, State, Context>(
  store: EventStore,
  decider: DeciderLike<Command, Event, State, Context>,
  streamId: string | undefined,
  command: Command,
  context: Context,
  options: DecideAndAppendOptions<State> = {},
): Promise<Appended> {
  if (streamId === undefined) {
    decider.decide(command, decider.initialState, context);
    return { position: undefined };
  }
  const handler = options.handler ?? commandHandlerOf(store);
  const { position } = await handler.handle(streamId, options.states ?? foldedFromStore(store, decider), (state) => decider.decide(command, state, context), eventMetadataOf(command.metadata));
  return { position };
}
