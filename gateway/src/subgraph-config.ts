import { ConfigError, portFrom, type ConfigProblems, type Env } from '@sluice/runtime';

/** One subgraph the gateway federates: its name in the supergraph and its GraphQL endpoint. */
export interface SubgraphEndpoint {
  name: string;
  url: string;
}

export interface GatewayConfig {
  subgraphs: SubgraphEndpoint[];
  port: number;
}

type Problems = ConfigProblems;

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const EXAMPLE = 'pipelines=http://127.0.0.1:4101/graphql,executions=http://127.0.0.1:4102/graphql';

function subgraphsFrom(env: Env, problems: Problems): SubgraphEndpoint[] {
  const raw = env.SLUICE_SUBGRAPHS?.trim();
  if (!raw) {
    problems.push({ variable: 'SLUICE_SUBGRAPHS', reason: `not set: name=url pairs separated by commas, e.g. ${EXAMPLE}` });
    return [];
  }
  const subgraphs: SubgraphEndpoint[] = [];
  for (const entry of raw.split(',').map((e) => e.trim())) {
    const separator = entry.indexOf('=');
    const name = separator > 0 ? entry.slice(0, separator).trim() : '';
    const url = separator > 0 ? entry.slice(separator + 1).trim() : '';
    if (!NAME.test(name)) {
      problems.push({ variable: 'SLUICE_SUBGRAPHS', reason: `'${entry}' is not name=url (e.g. ${EXAMPLE})` });
    } else if (!isHttpUrl(url)) {
      problems.push({ variable: 'SLUICE_SUBGRAPHS', reason: `the url of '${name}' is not an http(s) URL: '${url}'` });
    } else if (subgraphs.some((s) => s.name === name)) {
      problems.push({ variable: 'SLUICE_SUBGRAPHS', reason: `'${name}' is named twice` });
    } else {
      subgraphs.push({ name, url });
    }
  }
  return subgraphs;
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The gateway's configuration from the environment; every bad variable at once, as `loadRuntimeConfig` does. */
export function loadGatewayConfig(env: Env = process.env): GatewayConfig {
  const problems: Problems = [];
  const config = { subgraphs: subgraphsFrom(env, problems), port: portFrom(env, problems) };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
