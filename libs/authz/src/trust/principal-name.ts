import { accountIdProblem, describeCharacter, quote, RESOURCE_NAME_PREFIX } from '@sluice/domain';
import type { PrincipalRef } from '../evaluation/principal';

/**
 * Principals in a trust policy: `srn:sluice:{account}:principal/{id}` (one user or role) or
 * `srn:sluice:{account}:root` (any principal of the account whose own policies allow AssumeRole).
 * They appear only in `Principal`, never in `Resource`, so they cannot be mistaken for pipelines.
 */
export type TrustedPrincipal = { kind: 'principal'; account: string; id: string } | { kind: 'account'; account: string };

const PRINCIPAL_ID_CHARACTER = /^[A-Za-z0-9+=,.@_-]$/u;
const PRINCIPAL_ID_MAX_LENGTH = 128;

export function principalName(principal: PrincipalRef): string {
  return `${RESOURCE_NAME_PREFIX}${principal.account}:principal/${principal.id}`;
}

export function accountRootName(account: string): string {
  return `${RESOURCE_NAME_PREFIX}${account}:root`;
}

export type ParsedTrustedPrincipal = { ok: true; principal: TrustedPrincipal } | { ok: false; problem: string };

export function parseTrustedPrincipal(text: string): ParsedTrustedPrincipal {
  const shape = 'expected srn:sluice:{account}:principal/{id} or srn:sluice:{account}:root';
  if (text === '*') return { ok: false, problem: 'a role never trusts everyone ("*"); name accounts or principals.' };
  if (!text.startsWith(RESOURCE_NAME_PREFIX)) return { ok: false, problem: `${quote(text)} does not start with "srn:sluice:"; ${shape}.` };
  const rest = text.slice(RESOURCE_NAME_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon < 0) return { ok: false, problem: `${quote(text)} has no principal part; ${shape}.` };
  const account = rest.slice(0, colon);
  const accountProblem = accountIdProblem(account);
  if (accountProblem) return { ok: false, problem: accountProblem };
  const who = rest.slice(colon + 1);
  if (who === 'root') return { ok: true, principal: { kind: 'account', account } };
  if (!who.startsWith('principal/')) return { ok: false, problem: `${quote(text)} names neither a principal nor an account root; ${shape}.` };
  const id = who.slice('principal/'.length);
  if (id.length === 0 || [...id].length > PRINCIPAL_ID_MAX_LENGTH) {
    return { ok: false, problem: `the principal id ${quote(id)} must have 1 to ${PRINCIPAL_ID_MAX_LENGTH} characters.` };
  }
  const bad = [...id].find((character) => !PRINCIPAL_ID_CHARACTER.test(character));
  if (bad !== undefined) return { ok: false, problem: `the principal id ${quote(id)} contains ${describeCharacter(bad)}; wildcards are not allowed in Principal.` };
  return { ok: true, principal: { kind: 'principal', account, id } };
}

export function trusts(trusted: TrustedPrincipal, principal: PrincipalRef): boolean {
  switch (trusted.kind) {
    case 'account':
      return trusted.account === principal.account;
    case 'principal':
      return trusted.account === principal.account && trusted.id === principal.id;
  }
}
