import { randomBytes } from 'node:crypto';
import { openFilesystemArtifactStore } from '@sluice/artifact-store';
import { aesGcmMasterKeyCipher, type MasterKeyCipher } from '@sluice/runtime';
import type { EventStore } from '@sluice/eventing';
import { ensureAdmin } from '@sluice/permissions';
import type { Authenticator } from '../auth/authenticator';
import { permissionsAuthenticator } from '../auth/permissions-authenticator';
import { startGateway, type GatewayOptions, type RunningGateway } from '../gateway-server';
import { DEFAULT_WEB_DIR } from '../static/dashboard-files';
import type { Caller } from './gateway-client';
import type { SubgraphProcesses } from './subgraph-processes';

/**
 * The gateway as it runs in production, in jest: authentication over the permissions process of `subgraphs`,
 * authorization and audit on `eventStore` (the store the processes write to), their internal secret sent to them; the
 * default limits, the repository's dashboard build, no bus (the processes run without Kafka).
 */
export async function startTestGateway(subgraphs: SubgraphProcesses, eventStore: EventStore, options: Partial<GatewayOptions> = {}): Promise<RunningGateway> {
  const { internalSecret } = subgraphs;
  const actionLogStore = await openFilesystemArtifactStore({ root: subgraphs.logsDir });
  const authenticator = permissionsAuthenticator(`${subgraphs.permissions.url}/graphql`, { internalSecret });
  authenticators.set(eventStore, authenticator);
  return startGateway({ subgraphs: subgraphs.endpoints, port: 0, host: '127.0.0.1', eventStore, bus: { kind: 'in-process' }, webDir: DEFAULT_WEB_DIR, auth: { authenticator, sessionKey: testSessionKey(eventStore) }, internalSecret, actionLogStore, ...options });
}

/** One master key per store, as an installation has one: every test gateway on a store shares its browser sessions. */
const sessionKeys = new WeakMap<EventStore, MasterKeyCipher>();
export function testSessionKey(eventStore: EventStore): MasterKeyCipher {
  let key = sessionKeys.get(eventStore);
  if (!key) sessionKeys.set(eventStore, (key = aesGcmMasterKeyCipher(randomBytes(32))));
  return key;
}

/** The permissions process each store's gateway asks, so that a caller is handed out once its token authenticates. */
const authenticators = new WeakMap<EventStore, Authenticator>();

/** The permissions process learns a token from the store a moment after it is written: wait for it (bounded). */
async function untilAuthenticated(eventStore: EventStore, token: string, what: string): Promise<void> {
  const authenticator = authenticators.get(eventStore);
  if (!authenticator) return;
  const deadline = Date.now() + 15_000;
  while (!(await authenticator.authenticate(token))) {
    if (Date.now() > deadline) throw new Error(`the permissions service did not learn the token of ${what} within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const callers = new WeakMap<EventStore, Map<string, Promise<Caller>>>();

/**
 * A caller with a token of a user `actor` holding the Admin policy of `account` (created on the store directly,
 * as the embedded platform's first start creates its admin); the same caller for the same account and actor.
 * Called after `startTestGateway` on the same store, it resolves once the token authenticates.
 */
export function adminCaller(eventStore: EventStore, account: string, actor = 'admin'): Promise<Caller> {
  let known = callers.get(eventStore);
  if (!known) callers.set(eventStore, (known = new Map()));
  const key = `${account}/${actor}`;
  let caller = known.get(key);
  if (!caller) {
    caller = ensureAdmin(eventStore, { account, userName: actor }).then(async (ensured) => {
      if (!ensured.created) throw new Error(`user ${actor} of account ${account} exists already in this store: its token was shown once; use another actor name`);
      await untilAuthenticated(eventStore, ensured.token, `${actor} of ${account}`);
      return { account, actor, token: ensured.token };
    });
    known.set(key, caller);
  }
  return caller;
}
