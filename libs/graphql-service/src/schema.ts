// `@sluice/graphql-service/schema`: SDL every subgraph shares; loads nothing of Nest (the API reference reads the schemas in jest).
import { ACTION_CATEGORIES, ACTION_OWNERS } from '@sluice/domain';

/**
 * The opening of every subgraph's schema: federation v2.3 with `imports` (e.g. `@key`, `@shareable`) and the two
 * scalars every subgraph uses, described once (the gateway composes one description for each).
 */
export function subgraphSchemaPreamble(imports: readonly string[]): string {
  return /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${imports.map((name) => JSON.stringify(name)).join(', ')}])

  "Any JSON value: definitions, configuration maps, output variables and policy documents travel in their JSON shape, as is."
  scalar JSON

  "An ISO-8601 instant, e.g. 2026-01-02T03:04:05.000Z."
  scalar DateTime
`;
}

const enumSdl = (name: string, values: readonly string[]) => `  enum ${name} {\n${values.map((value) => `    ${value}\n`).join('')}  }\n`;

/** CodePipeline's action categories and owners, from the domain's lists: the pipelines and executions subgraphs share them. */
export const ACTION_ENUMS_SDL = `${enumSdl('ActionCategory', ACTION_CATEGORIES)}\n${enumSdl('ActionOwner', ACTION_OWNERS)}`;
