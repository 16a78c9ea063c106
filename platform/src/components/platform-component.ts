/**
 * One running part of the platform: the relay, a subgraph, the worker, the gateway, or one OS process of the
 * distributed topology. A platform is a list of them, started in order and stopped in reverse (decision 0032).
 */
export interface PlatformComponent {
  /** How logs and errors name it: `relay`, `executions`, `gateway`, `worker-2`. */
  readonly name: string;
  /** Resolves once it serves; rejects, having left nothing running, when it cannot start. */
  start(): Promise<void>;
  /** Ends what `start` began. Called once, and only after `start` resolved. */
  stop(): Promise<void>;
  /** Whether it serves now: for a part of this process, that it started and has not stopped; for a process, its `/readyz`. */
  ready(): Promise<boolean>;
}

/** What a component's start hands back: how to stop what it started. */
export type Stop = () => Promise<void>;

/** A part of this process: `start` does the work and returns its stop; ready while started. */
export function component(name: string, start: () => Promise<Stop>): PlatformComponent {
  let stop: Stop | undefined;
  return {
    name,
    async start() {
      stop = await start();
    },
    async stop() {
      const stopping = stop;
      stop = undefined;
      await stopping?.();
    },
    ready: async () => stop !== undefined,
  };
}

/**
 * Several components started at once (the engines, the workers): all must start, or those that did are stopped
 * and the first failure is thrown. They stop at once too, unless `stopInReverse` (then one after the other, the
 * last listed first).
 */
export function together(name: string, members: PlatformComponent[], options: { stopInReverse?: boolean } = {}): PlatformComponent {
  let started: PlatformComponent[] = [];
  const stopStarted = async () => {
    const stopping = started;
    started = [];
    const failures: unknown[] = [];
    if (options.stopInReverse) {
      for (const member of [...stopping].reverse()) await member.stop().catch((error: unknown) => failures.push(error));
    } else {
      for (const result of await Promise.allSettled(stopping.map((member) => member.stop()))) if (result.status === 'rejected') failures.push(result.reason);
    }
    if (failures.length > 0) throw stopFailure(name, failures);
  };
  return {
    name,
    async start() {
      const results = await Promise.allSettled(members.map(async (member) => {
        await member.start();
        return member;
      }));
      started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) {
        await stopStarted().catch(() => undefined);
        throw failed.reason;
      }
    },
    stop: stopStarted,
    async ready() {
      const answers = await Promise.all(members.map((member) => member.ready()));
      return answers.every(Boolean);
    },
  };
}

/** One error for every component that failed to stop, naming each. */
export function stopFailure(what: string, failures: unknown[]): AggregateError {
  return new AggregateError(failures, `${what} did not stop cleanly: ${failures.map(messageOf).join('; ')}`);
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
