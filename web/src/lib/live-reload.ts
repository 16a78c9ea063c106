import { messageOf } from './graphql';
import { subscribe } from './live';

/**
 * Reloads a view each time a subscription reports a change: the subscription opens first, then the first load runs,
 * so no change between the two is missed. Bursts of changes (an action's events arrive together) cause one reload,
 * which gets the changes reported since the previous one (none on the first load).
 * Returns the stop function for a Svelte `$effect`.
 */
export function reloadOnChange<T = unknown>(
  subscription: { query: string; variables: Record<string, unknown>; field: string },
  reload: (changes: T[]) => Promise<void>,
  onError: (message: string) => void,
): () => void {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  const changes: T[] = [];
  const run = () => {
    if (stopped) return;
    if (running) return void (again = true);
    const taken = changes.splice(0);
    running = reload(taken)
      .catch((error: unknown) => {
        // Kept for the next reload: a view that reloads only what the changes name must not lose them.
        changes.unshift(...taken);
        onError(messageOf(error));
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = subscribe<T>(subscription.query, subscription.variables, subscription.field, (change) => {
    changes.push(change);
    clearTimeout(timer);
    timer = setTimeout(run, 50);
  }, (error) => onError(`live updates: ${messageOf(error)}`));
  run();
  return () => {
    stopped = true;
    clearTimeout(timer);
    unsubscribe();
  };
}
