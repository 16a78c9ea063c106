import { stopFailure, type PlatformComponent } from './platform-component';

export interface RunningComponents {
  /** Stops every component in reverse order of start; one that fails to stop does not keep the others running. */
  stop(): Promise<void>;
  /** Each component's `ready()`, in start order. */
  ready(): Promise<Array<{ name: string; ready: boolean }>>;
}

export interface StartComponentsOptions {
  /** Names the whole in the error of a stop that failed (`the platform`). */
  name?: string;
  /** After each start, with its name (the start-up trace). */
  onStarted?: (component: PlatformComponent) => void;
}

/**
 * Starts the components one after the other, in the order given. When one fails to start, those already started
 * are stopped in reverse order and its error is thrown.
 */
export async function startComponents(components: PlatformComponent[], options: StartComponentsOptions = {}): Promise<RunningComponents> {
  const started: PlatformComponent[] = [];
  const stop = async () => {
    const failures: unknown[] = [];
    for (const running of started.splice(0).reverse()) await running.stop().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw stopFailure(options.name ?? 'the platform', failures);
  };
  try {
    for (const next of components) {
      await next.start();
      started.push(next);
      options.onStarted?.(next);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    stop,
    ready: () => Promise.all(started.map(async (running) => ({ name: running.name, ready: await running.ready() }))),
  };
}
