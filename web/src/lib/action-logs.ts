import { ACTION_LOG_APPENDED, loadActionLogs, type LogEntry } from './api';
import { messageOf } from './graphql';
import { subscribe } from './live';

/**
 * An execution's action logs: the stored chunks, then the live ones after the last cursor (`actionLogAppended`
 * resumes from it without a gap). A chunk at or before the last cursor (a re-subscription after a reconnect)
 * is dropped, so none shows twice. Returns the stop function for a Svelte `$effect`.
 */
export function followActionLogs(pipelineExecutionId: string, onEntries: (entries: LogEntry[]) => void, onError: (message: string) => void): () => void {
  let stopped = false;
  let last = -1n;
  let unsubscribe = () => {};
  const accept = (entries: LogEntry[]) => {
    const fresh = entries.filter((e) => BigInt(e.cursor) > last);
    if (fresh.length === 0) return;
    last = BigInt(fresh[fresh.length - 1]!.cursor);
    onEntries(fresh);
  };
  loadActionLogs(pipelineExecutionId)
    .then(({ entries, endCursor }) => {
      if (stopped) return;
      accept(entries);
      if (endCursor !== null && BigInt(endCursor) > last) last = BigInt(endCursor);
      unsubscribe = subscribe<LogEntry>(
        ACTION_LOG_APPENDED,
        // No chunk stored yet: from the store's start (filtered to this execution's stream), so a chunk stored
        // between the page and the subscription is not missed.
        { id: pipelineExecutionId, after: endCursor ?? '0' },
        'actionLogAppended',
        (entry) => accept([entry]),
        (error) => onError(`live logs: ${messageOf(error)}`),
      );
    })
    .catch((error: unknown) => onError(`logs: ${messageOf(error)}`));
  return () => {
    stopped = true;
    unsubscribe();
  };
}
