import type { EventStore, RecordedEvent } from '../event-store';
import { rebuildProjections, type RebuildableProjection } from '../projection/rebuild-projections';

/**
 * Rebuilds `copies` (fresh projections) from `store`, blind to events of type `skipping` when given, and returns them:
 * a rebuild test shows that every event type of its history matters by one rebuild blind to each.
 */
export async function rebuiltSkipping<T extends RebuildableProjection>(store: EventStore, copies: T[], skipping?: string): Promise<T[]> {
  const blind = copies.map((copy) => ({
    name: copy.name,
    streamPrefixes: copy.streamPrefixes,
    reset: () => copy.reset(),
    checkpoint: () => copy.checkpoint(),
    contents: () => copy.contents(),
    apply: (event: RecordedEvent) => (event.type === skipping ? undefined : copy.apply(event)),
  }));
  await rebuildProjections(store, blind);
  return copies;
}

/** Whether jest's `toEqual` holds, as a value a test can put in a table of expectations. */
export function isEqual(a: unknown, b: unknown): boolean {
  try {
    expect(a).toEqual(b);
    return true;
  } catch {
    return false;
  }
}
