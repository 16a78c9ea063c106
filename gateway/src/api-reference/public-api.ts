import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@theguild/federation-composition';
import { parse, printSchema } from 'graphql';
import type { EventStore } from '@sluice/eventing';
import { subscriptionSchema } from '../subscriptions/subscription-schema';

const SERVICES = join(__dirname, '../../../services');

/**
 * Every service's subgraph SDL as it ships: the SDL strings exported by its `src/api/*schema.ts` files, joined
 * (`schema.ts` first, then extensions such as `access-key-schema.ts`), so a new service or schema file is covered.
 */
export function shippedSubgraphSdls(servicesDir = SERVICES): Array<{ name: string; url: string; sdl: string }> {
  return readdirSync(servicesDir)
    .filter((name) => existsSync(join(servicesDir, name, 'src/api/schema.ts')))
    .sort()
    .flatMap((name) => {
      const api = join(servicesDir, name, 'src/api');
      const pieces = readdirSync(api)
        .filter((file) => /schema\.ts$/.test(file))
        .sort((a, b) => Number(b === 'schema.ts') - Number(a === 'schema.ts') || a.localeCompare(b))
        .flatMap((file) => Object.values(require(join(api, file)) as Record<string, unknown>))
        .filter((value): value is string => typeof value === 'string' && /\b(type|enum|input|scalar)\s+\w+/.test(value));
      return pieces.length > 0 ? [{ name, url: `http://${name}/graphql`, sdl: pieces.join('\n') }] : [];
    });
}

/** The queries and mutations clients see at `/graphql`: the composed public schema (no federation internals, no `@inaccessible`). */
export function publicApiSdl(): string {
  const result = composeServices(shippedSubgraphSdls().map((subgraph) => ({ ...subgraph, typeDefs: parse(subgraph.sdl) })));
  if (result.errors) throw new Error(`the shipped subgraphs do not compose: ${result.errors.map((error) => error.message).join('; ')}`);
  return result.publicSdl;
}

/** The gateway's own subscription schema (graphql-ws at `/graphql`); printing it reads no store. */
export function subscriptionSdl(): string {
  return printSchema(subscriptionSchema({} as EventStore, { live: 0 }));
}
