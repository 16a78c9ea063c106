import type { IncomingMessage, ServerResponse } from 'node:http';
import { accountResourceName, authorize } from '@sluice/authz';
import { contextOf, originOf, type GatewayAuth } from '../auth/gateway-auth';

/** The action a token needs for `/metrics` (an account-level write in the catalogue, so ReadOnly does not have it). */
export const GET_METRICS_ACTION = 'sluice:GetMetrics';

export type MetricsAccess = { ok: true; account?: string } | { ok: false; status: 401 | 403 | 503; message: string };

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * Who may read `/metrics`: everyone when the operator said so (SLUICE_METRICS_PUBLIC=true, for a scraper on a private
 * network) or when the gateway authenticates nobody (subgraph tests); else a token allowed `sluice:GetMetrics` in its
 * account, which then sees its own account's series only (the metrics name accounts). Refusals are counted.
 */
export async function metricsAccess(req: IncomingMessage, auth: GatewayAuth | undefined, isPublic: boolean): Promise<MetricsAccess> {
  if (isPublic || !auth) return { ok: true };
  const origin = originOf(req);
  const answer = await auth.authenticate(header(req.headers.authorization), origin, '/metrics');
  if (!answer.ok) return answer;
  const { principal } = answer.request.auth;
  const resource = accountResourceName(principal.account);
  const decision = authorize({ principal, action: GET_METRICS_ACTION, resource, context: contextOf(origin) });
  if (decision.allowed) return { ok: true, account: principal.account };
  const message = `Forbidden: ${GET_METRICS_ACTION} on ${resource}: ${decision.explanation}`;
  auth.admission.refuse({ code: 'FORBIDDEN', surface: '/metrics', reason: `not allowed ${GET_METRICS_ACTION}`, message }, origin, principal);
  return { ok: false, status: 403, message };
}

/** The refusal of `/metrics` as JSON, with `WWW-Authenticate` on a 401. */
export function sendMetricsRefusal(res: ServerResponse, refusal: Extract<MetricsAccess, { ok: false }>): void {
  res.writeHead(refusal.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...(refusal.status === 401 ? { 'www-authenticate': 'Bearer realm="sluice"' } : {}),
  });
  res.end(JSON.stringify({ error: refusal.status === 401 ? 'unauthenticated' : refusal.status === 403 ? 'forbidden' : 'unavailable', message: refusal.message }));
}
