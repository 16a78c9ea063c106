import { randomBytes } from 'node:crypto';
import type { AuthenticatedPrincipal, Authenticator } from '../auth/authenticator';

/**
 * How a SigV4-authenticated `/aws` call enters the gateway's one authorization path (decision 0024): for the duration
 * of the call, a random 256-bit bearer token that exists only in this process stands for the key's principal. The
 * gateway's authenticator is wrapped to know these tokens first; they never leave the process, are never stored and
 * stop working when the call ends, so they cannot be replayed or guessed from outside.
 */
export class ForwardedIdentities {
  private readonly live = new Map<string, AuthenticatedPrincipal>();

  /** The gateway's authenticator, knowing the tokens of calls in flight first. */
  wrap(inner: Authenticator): Authenticator {
    return {
      authenticate: async (token) => this.live.get(token) ?? inner.authenticate(token),
    };
  }

  /** Runs `use` with a token that stands for `auth` until it settles. */
  async with<T>(auth: AuthenticatedPrincipal, use: (token: string) => Promise<T>): Promise<T> {
    const token = `slu_aws_${randomBytes(32).toString('base64url')}`;
    this.live.set(token, auth);
    try {
      return await use(token);
    } finally {
      this.live.delete(token);
    }
  }

  /** Calls in flight (tests check nothing is left behind). */
  get size(): number {
    return this.live.size;
  }
}
