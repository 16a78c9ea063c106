/** Aborted when the service stops, so long polls answer at once instead of holding the shutdown (a Nest token: tsx/esbuild emits no decorator metadata). */
export const SHUTDOWN_SIGNAL = Symbol('ShutdownSignal');
