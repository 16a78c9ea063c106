import type { ServiceProcess } from './service-process';

/**
 * Calls the /graphql of the service `current()` gives (set in a beforeAll) with the headers the gateway sends
 * for `actor` of `account`: acme's alice unless said otherwise.
 */
export const graphqlAs =
  (current: () => Pick<ServiceProcess, 'graphql'>) =>
  (query: string, variables: Record<string, unknown> = {}, account = 'acme', actor = 'alice') =>
    current().graphql(query, variables, { 'x-sluice-account': account, 'x-sluice-actor': actor });

/** The `extensions.code` of each error of an answer, in order. */
export const errorCodes = (response: { errors?: Array<{ extensions?: { code?: string } }> }) => (response.errors ?? []).map((e) => e.extensions?.code);
