import { assertNever, type Decider } from '@sluice/domain';
import { derivedEventId, type ArtifactCollected, type ArtifactEvent, type ArtifactFound, type ArtifactRecorded, type ArtifactReleased, type ArtifactUploaded } from '@sluice/contracts';

/**
 * One artifact address (`artifact-{sha256}`): which accounts may read the bytes, which outputs were recorded, and
 * how many collections it has been through. `revision` counts the events folded (-1 before the first), so a
 * collection decided on one reading of the stream is refused once anything has happened since.
 */
export interface ArtifactState {
  revision: number;
  generation: number;
  readers: ReadonlySet<string>;
  /** `{actionExecutionId}\0{name}` of every output recorded. */
  recorded: ReadonlySet<string>;
}

export type ArtifactCommand =
  | { type: 'UploadArtifact'; sha256: string; account: string; size: number; uploadedBy: string; uploadedAt: string }
  | { type: 'ReleaseArtifact'; sha256: string; account: string; releasedBy: string; releasedAt: string }
  | { type: 'RecordOutput'; record: ArtifactRecorded['data'] }
  | { type: 'RecordFound'; sha256: string; size: number; foundAt: string }
  | { type: 'CollectArtifact'; collected: ArtifactCollected['data']; decidedAtRevision: number };

/** An event with the id that makes recording the same fact twice (a replay, two instances) append it once. */
export type ArtifactDecision = ArtifactEvent & { id?: string };

export const initialArtifactState: ArtifactState = { revision: -1, generation: 0, readers: new Set(), recorded: new Set() };

const recordKey = (record: { actionExecutionId: string; name: string }) => `${record.actionExecutionId}\u0000${record.name}`;
const withReader = (readers: ReadonlySet<string>, account: string) => new Set([...readers, account]);

export function evolveArtifact(state: ArtifactState, event: ArtifactEvent): ArtifactState {
  const next = { ...state, revision: state.revision + 1 };
  switch (event.type) {
    case 'ArtifactUploaded':
      return { ...next, readers: withReader(state.readers, event.data.account) };
    case 'ArtifactRecorded':
      // An output whose bytes were not in the store is recorded, but gives no claim on them.
      return { ...next, readers: event.data.size === null ? state.readers : withReader(state.readers, event.data.account), recorded: new Set([...state.recorded, recordKey(event.data)]) };
    case 'ArtifactReleased':
      return { ...next, readers: new Set([...state.readers].filter((account) => account !== event.data.account)) };
    case 'ArtifactFound':
      return next;
    case 'ArtifactCollected':
      return { ...next, generation: state.generation + 1, readers: new Set() };
    default:
      return next;
  }
}

export function decideArtifact(command: ArtifactCommand, state: ArtifactState): ArtifactDecision[] {
  switch (command.type) {
    case 'UploadArtifact': {
      // Already readable: a repeated upload changes nothing.
      if (state.readers.has(command.account)) return [];
      const { type: _type, ...data } = command;
      const event: ArtifactUploaded = { type: 'ArtifactUploaded', data };
      return [event];
    }
    case 'ReleaseArtifact': {
      if (!state.readers.has(command.account)) return [];
      const { type: _type, ...data } = command;
      const event: ArtifactReleased = { type: 'ArtifactReleased', data };
      return [event];
    }
    case 'RecordOutput':
      if (state.recorded.has(recordKey(command.record))) return [];
      return [{ id: derivedEventId('ArtifactRecorded', command.record.actionExecutionId, command.record.name), type: 'ArtifactRecorded', data: command.record }];
    case 'RecordFound': {
      const { type: _type, ...data } = command;
      const event: ArtifactFound = { type: 'ArtifactFound', data };
      return [{ id: derivedEventId(event.type, command.sha256, state.generation), ...event }];
    }
    case 'CollectArtifact':
      // Something happened to the artifact since the retention decision (an upload, a record): keep it this time.
      if (state.revision !== command.decidedAtRevision) return [];
      return [{ id: derivedEventId('ArtifactCollected', command.collected.sha256, state.generation), type: 'ArtifactCollected', data: command.collected }];
    default:
      return assertNever(command);
  }
}

export const artifactDecider: Decider<ArtifactCommand, ArtifactDecision, ArtifactState, undefined> = {
  initialState: initialArtifactState,
  decide: (command, state) => decideArtifact(command, state),
  evolve: evolveArtifact,
};
