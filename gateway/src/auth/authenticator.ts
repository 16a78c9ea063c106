import type { Principal } from '@sluice/authz';

/** Who a valid token belongs to, as the permissions service answers `authenticate`. */
export interface AuthenticatedPrincipal {
  principal: Principal;
  /** The token's (or role session's) expiry: the gateway refuses it from then on, cached or not. */
  expiresAt: Date;
  /** Display name: `admin`, `role/Deployer (assumed by alice@acme)`. */
  actor: string;
  /** The token's public id (`tok_…`), forwarded as `x-sluice-token-id`. */
  tokenId?: string;
}

/** The port every request's token goes through; null for an unknown, expired, revoked or forged token. */
export interface Authenticator {
  authenticate(token: string): Promise<AuthenticatedPrincipal | null>;
}

/** The token of an `Authorization: Bearer <token>` value, or a reason it has none (said in the 401). */
export function bearerTokenOf(authorization: string | undefined | null): { token: string } | { problem: string } {
  if (authorization === undefined || authorization === null || authorization.trim() === '') {
    return { problem: 'no token: send "Authorization: Bearer <token>" (the admin token is printed at first start and kept in $SLUICE_DATA_DIR/admin-token)' };
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  if (!match) return { problem: 'the Authorization header must be "Bearer <token>"' };
  return { token: match[1]! };
}

/**
 * Remembers answers for `ttlMs` (never past the token's expiry), so a burst of requests with one token asks
 * the permissions service once. A revocation therefore takes effect within `ttlMs`. Failures are not cached.
 */
export function cachingAuthenticator(inner: Authenticator, options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}): Authenticator {
  const ttlMs = options.ttlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { answer: AuthenticatedPrincipal | null; until: number }>();
  const inFlight = new Map<string, Promise<AuthenticatedPrincipal | null>>();
  return {
    async authenticate(token) {
      const cached = cache.get(token);
      if (cached && cached.until > now()) return cached.answer;
      if (cached) cache.delete(token);
      const pending = inFlight.get(token);
      if (pending) return pending;
      const asked = inner.authenticate(token).then(
        (answer) => {
          inFlight.delete(token);
          const until = Math.min(now() + ttlMs, answer ? answer.expiresAt.getTime() : Number.POSITIVE_INFINITY);
          if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
          cache.set(token, { answer, until });
          return answer;
        },
        (error: unknown) => {
          inFlight.delete(token);
          throw error;
        },
      );
      inFlight.set(token, asked);
      const answer = await asked;
      // Expired while asked, or an answer already past its expiry: never accepted.
      return answer && answer.expiresAt.getTime() <= now() ? null : answer;
    },
  };
}
