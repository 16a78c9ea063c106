// The executions service's public entry: the engine (no framework) and what composes the subgraph into a platform.
// The Nest app is loaded when called, not when this file is imported: NestJS 12 is ESM-only and jest cannot load it.
import type { ExecutionsApp, ExecutionsAppOptions } from './executions-app';

export * from './executions-engine';
export type { Caller } from './application/caller';
/** Its projections, for `npm run rebuild-projections`. */
export { executionsProjections } from './projections/projection-registry';
export type { ExecutionsApp, ExecutionsAppOptions } from './executions-app';
export { inProcessWorkerId } from './application/in-process-worker';

/** The executions subgraph and its engine on a given store and bus (see `executions-app.ts`). */
export async function createExecutionsApp(options: ExecutionsAppOptions): Promise<ExecutionsApp> {
  const { createExecutionsApp: create } = await import('./executions-app');
  return create(options);
}
