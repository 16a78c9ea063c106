import { artifactStreamId } from '@sluice/contracts';
import { cachedStates, CommandHandler, type EventMetadata, type EventStore, type Handled, type StreamStateSource } from '@sluice/eventing';
import { artifactDecider, type ArtifactCommand, type ArtifactDecision, type ArtifactState } from '../domain/artifact-decider';

const sha256Of = (command: ArtifactCommand): string => {
  switch (command.type) {
    case 'RecordOutput':
      return command.record.sha256;
    case 'CollectArtifact':
      return command.collected.sha256;
    default:
      return command.sha256;
  }
};

interface Commands {
  handler: CommandHandler;
  states: StreamStateSource<ArtifactState>;
}

const byStore = new WeakMap<EventStore, Commands>();

/**
 * Every write of the artifacts service goes through the one write path: the artifact decider on the address's
 * stream, appended with the revision it read. One handler and one state cache per store, so the upload API, the
 * output recorder and the collector of a process take turns on a stream; another instance's append makes ours
 * decide again (a second upload of the same bytes then changes nothing).
 */
export function handleArtifactCommand(store: EventStore, command: ArtifactCommand, metadata: Partial<EventMetadata>): Promise<Handled<ArtifactDecision>> {
  let commands = byStore.get(store);
  if (!commands) byStore.set(store, (commands = { handler: new CommandHandler(store, { maxAttempts: 5 }), states: cachedStates(store, artifactDecider) }));
  return commands.handler.handle(artifactStreamId(sha256Of(command)), commands.states, (state) => artifactDecider.decide(command, state, undefined), metadata);
}
