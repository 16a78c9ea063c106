// The pipelines service's public entry: what composes it into a platform.
// The Nest app is loaded when called, not when this file is imported: NestJS 12 is ESM-only and jest cannot load it.
import type { PipelinesApp, PipelinesAppOptions } from './pipelines-app';

export type { PipelinesApp, PipelinesAppOptions } from './pipelines-app';
/** Every account's pipelines at their latest definition, folded from the store: what the triggers watch. */
export { PipelinesProjection } from './projections/pipelines-projection';
/** Its projections, for `npm run rebuild-projections`. */
export { pipelinesProjections } from './projections/pipelines-read-models';

/** The pipelines subgraph on a given store (see `pipelines-app.ts`). */
export async function createPipelinesApp(options: PipelinesAppOptions): Promise<PipelinesApp> {
  const { createPipelinesApp: create } = await import('./pipelines-app');
  return create(options);
}
