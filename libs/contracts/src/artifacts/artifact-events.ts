import { createHash } from 'node:crypto';

/** Events of the `artifact-{sha256}` stream. Types are stored as is: renaming one is a migration. */
export type ArtifactEvent = ArtifactUploaded | ArtifactRecorded | ArtifactReleased | ArtifactFound | ArtifactCollected;


/** An account sent these bytes through the API: from now on it may read them. */
export interface ArtifactUploaded {
  type: 'ArtifactUploaded';
  data: { sha256: string; account: string; size: number; uploadedBy: string; uploadedAt: string };
}

/** A revision of the source an artifact was built from (CodePipeline's `SourceRevision`). */
export interface ArtifactSourceRevision {
  actionName: string;
  revisionType: string;
  revisionId: string;
  revisionSummary: string | null;
  revisionUrl: string | null;
}

/** An action of an execution produced these bytes under a name. `size`/`contentType` are null when the bytes were not in the store. */
export interface ArtifactRecorded {
  type: 'ArtifactRecorded';
  data: {
    sha256: string;
    account: string;
    name: string;
    pipelineName: string;
    pipelineExecutionId: string;
    stageName: string;
    actionName: string;
    actionExecutionId: string;
    size: number | null;
    contentType: string | null;
    sourceRevision: ArtifactSourceRevision | null;
    recordedAt: string;
  };
}

/** The account gave up its claim (DELETE through the API): it may no longer read the bytes. */
export interface ArtifactReleased {
  type: 'ArtifactReleased';
  data: { sha256: string; account: string; releasedBy: string; releasedAt: string };
}

/** The collector found bytes nobody uploaded or recorded (a worker wrote them for an action that failed): the grace starts now. */
export interface ArtifactFound {
  type: 'ArtifactFound';
  data: { sha256: string; size: number; foundAt: string };
}

/** Retention deleted the bytes; every claim on them ends. */
export interface ArtifactCollected {
  type: 'ArtifactCollected';
  data: { sha256: string; size: number | null; lastUsedAt: string; reason: string; collectedAt: string };
}

/**
 * Event ids derived from what the event is about, so recording the same fact twice (a replay, two
 * instances, concurrent uploads of the same bytes) appends it once. `generation` counts the
 * collections of the stream so far: bytes uploaded again after a collection are a new fact.
 */
export function derivedEventId(...parts: Array<string | number>): string {
  const hex = createHash('sha256').update(parts.map(String).join('\u0000')).digest('hex');
  // Shaped as an RFC 9562 version 8 (custom) UUID, which the event store requires.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
