import type { IncomingHttpHeaders } from 'node:http';
import { accountIdProblem, IssueCollector, ValidationError } from '@sluice/domain';

// Without NestJS (ESM-only, which jest cannot load), so that the caller's rules are unit-tested; CallerOf is in caller-headers.ts.

export const ACCOUNT_HEADER = 'x-sluice-account';
export const ACTOR_HEADER = 'x-sluice-actor';
/** The authenticated principal's id (a role session: the role's), set by the gateway. */
export const PRINCIPAL_HEADER = 'x-sluice-principal';
/** The public id of the token the gateway authenticated (`tok_…`), for the permissions service. */
export const TOKEN_ID_HEADER = 'x-sluice-token-id';
/**
 * The pipelines the caller may read (`sluice:GetPipeline`), set by the gateway for a field that lists what the caller
 * may read across pipelines (`pipelineGraph`, decision 0054): `*` for every pipeline of the account, else the names,
 * comma-separated (pipeline names hold no comma), empty for none.
 */
export const READABLE_PIPELINES_HEADER = 'x-sluice-readable-pipelines';

/** Who asks, for which account; each service's application `Caller` has this shape. */
export interface RequestCaller {
  account: string;
  actor: string;
  /** The authenticated principal's id, when the request came through the gateway. */
  principal?: string;
  /** READABLE_PIPELINES_HEADER, when the gateway set it: `'*'` or the names. */
  readablePipelines?: '*' | string[];
}

const actor = /^[^\p{Cc}\p{Cs}]{1,256}$/u;

/**
 * Account and actor as the request names them. Behind the gateway these are the authenticated principal's
 * (the gateway replaces whatever the client sent, decision 0021); only the gateway reaches the subgraph
 * (internal-secret.ts). A request naming no account is refused: no caller is ever taken to be account `default`.
 */
export function callerFromHeaders(headers: IncomingHttpHeaders): RequestCaller {
  const given = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const account = given(ACCOUNT_HEADER);
  const caller: RequestCaller = { account: account ?? '', actor: given(ACTOR_HEADER) ?? 'anonymous' };
  const principal = headers[PRINCIPAL_HEADER];
  if (typeof principal === 'string' && principal !== '') caller.principal = principal;
  const readable = headers[READABLE_PIPELINES_HEADER];
  if (typeof readable === 'string') caller.readablePipelines = readable === '*' ? '*' : readable.split(',').filter((name) => name !== '');
  const issues = new IssueCollector();
  const accountProblem = account === undefined ? `The request names no caller: the gateway sets ${ACCOUNT_HEADER} to the account of the token it authenticated.` : accountIdProblem(account);
  if (accountProblem) issues.add(`headers.${ACCOUNT_HEADER}`, account === undefined ? 'missing_caller' : 'invalid_account', accountProblem);
  if (!actor.test(caller.actor)) {
    issues.add(`headers.${ACTOR_HEADER}`, 'invalid_actor', 'The actor must be 1 to 256 characters, without control characters.');
  }
  if (issues.count > 0) throw new ValidationError(issues.issues, 'The request headers are not valid');
  return caller;
}
