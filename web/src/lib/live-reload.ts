import { messageOf } from './graphql';
import { subscribe } from './live';

/**
 * Reloads a view each time a subscription reports a change: the subscription opens first, then the first load runs,
 * so no change between the two is missed. Bursts of changes (an action's events arrive together) cause one reload.
 * Returns the stop function for a Svelte `$effect`.
 */
export function reloadOnChange(
  subscription: { query: string; variables: Record<string, unknown>; field: string },
  reload: () => Promise<void>,
  onError: (message: string) => void,
): () => void {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  const run = () => {
    if (stopped) return;
    if (running) return void (again = true);
    running = reload()
      .catch((error: unknown) => onError(messageOf(error)))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = subscribe(subscription.query, subscription.variables, subscription.field, () => {
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
