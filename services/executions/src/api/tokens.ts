/** Nest injection tokens of the executions API (explicit: tsx/esbuild emits no decorator metadata). */
export const EXECUTIONS_ENGINE = Symbol('ExecutionsEngine');
/** Aborted when the service stops, so long polls answer at once instead of holding the shutdown. */
export const SHUTDOWN_SIGNAL = Symbol('ShutdownSignal');
