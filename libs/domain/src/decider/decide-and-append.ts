import type { EventStore, EventMetadata } from '@sluice/eventing';
import type { CommandMetadata, Decider } from './decider';

export interface Appended {
  /** Position of the last event appended; undefined when the command changed nothing. */
  position: bigint | undefined;
}

/**
 * A service's command handling, whatever the aggregate (pipelines, principals, access keys): one command, one stream: load -> fold -> decide -> append with the revision read. A writer that
 * appended in between makes the append fail with ConcurrencyError (mapped to CONFLICT): never a lost update.
 * `streamId` is undefined when the command's input cannot name a stream; the decider then refuses it.
 */
export async function decideAndAppend<Command extends { metadata: CommandMetadata }, Event extends { type: string; data: unknown }, State, Context>(
  store: EventStore,
  decider: Decider<Command, Event, State, Context>,
  streamId: string | undefined,
  command: Command,
  context: Context,
): Promise<Appended> {
  const recorded = streamId === undefined ? [] : await store.readStream(streamId);
  const state = recorded.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as Event), decider.initialState);
  const events = decider.decide(command, state, context);
  if (events.length === 0 || streamId === undefined) return { position: undefined };
  const last = recorded[recorded.length - 1];
  const metadata: Partial<EventMetadata> = {
    correlationId: command.metadata.correlationId,
    causationId: null,
    actor: command.metadata.actor,
    account: command.metadata.account,
    occurredAt: command.metadata.now,
  };
  const result = await store.append(
    streamId,
    events.map((event) => ({ type: event.type, data: event.data, metadata })),
    { expectedRevision: last ? last.revision : 'no_stream' },
  );
  return { position: result.position };
}
