import type { Principal } from '@sluice/authz';
import { NotFoundError, ValidationError } from '@sluice/domain';
import { decideAndAppend, type EventStore } from '@sluice/eventing';
import { accessKeyDecider } from '../domain/access-key-decider';
import { accessKeyStream } from '@sluice/contracts';
import { ACCESS_KEY_ID_SHAPE, issueAccessKey } from '../domain/access-key-secret';
import type { AccessKeyReadModel, AccessKeyView } from '../projections/access-key-read-model';
import type { PermissionsProjection } from '../projections/permissions-projection';
import type { AccessKeyCipher } from './access-key-cipher';
import { type Caller, type Clock, commandMetadata } from './caller';

export interface AccessKeyInfo {
  accessKeyId: string;
  account: string;
  principalId: string;
  createdAt: string;
  status: 'ACTIVE' | 'DELETED';
}

export interface CreatedAccessKey extends AccessKeyInfo {
  /** Returned here once; stored only encrypted. */
  secretAccessKey: string;
}

/** For the gateway's SigV4 check: the secret and who the key stands for, as `authenticate` answers for a token. */
export interface AccessKeySecret {
  secretAccessKey: string;
  principal: Principal;
  actor: string;
  accessKeyId: string;
}

const infoOf = (view: AccessKeyView): AccessKeyInfo => ({
  accessKeyId: view.accessKeyId,
  account: view.account,
  principalId: view.principalId,
  createdAt: view.createdAt,
  status: view.deletedAt === null ? 'ACTIVE' : 'DELETED',
});

/** Access keys for Signature Version 4 (`/aws` on the gateway, decision 0024): create, list, delete, and the gateway's lookup. */
export class AccessKeyHandlers {
  constructor(
    private readonly store: EventStore,
    private readonly projection: PermissionsProjection,
    private readonly cipher: AccessKeyCipher,
    private readonly clock: Clock,
  ) {}

  private get keys(): AccessKeyReadModel {
    return this.projection.accessKeys;
  }

  /** A key pair for `principalId` (default: the caller's own principal). */
  async createAccessKey(caller: Caller, principalId: string | null): Promise<CreatedAccessKey> {
    const owner = principalId ?? caller.principalId;
    if (owner === null) throw new ValidationError([{ path: 'principalId', code: 'required', message: 'Name the principal: the caller has none of its own.' }], 'The access key request is not valid');
    const metadata = commandMetadata(caller, this.clock);
    const { accessKeyId, secretAccessKey } = issueAccessKey();
    const encryptedSecret = await this.cipher.encrypt(secretAccessKey, { accessKeyId, account: caller.account });
    const principalExists = this.projection.identities.principal(caller.account, owner) !== undefined;
    const { position } = await decideAndAppend(this.store, accessKeyDecider, accessKeyStream(accessKeyId), { type: 'CreateAccessKey', accessKeyId, principalId: owner, encryptedSecret, metadata }, { principalExists });
    if (position !== undefined) await this.projection.waitForPosition(position);
    return { ...infoOf(this.keys.key(accessKeyId)!), secretAccessKey };
  }

  listAccessKeys(caller: Caller, principalId: string | null): AccessKeyInfo[] {
    return this.keys.keysOf(caller.account, principalId ?? undefined).map(infoOf);
  }

  /** Revokes the key: the next request signed with it is refused. */
  async deleteAccessKey(caller: Caller, accessKeyId: string): Promise<AccessKeyInfo> {
    const metadata = commandMetadata(caller, this.clock);
    const { position } = await decideAndAppend(this.store, accessKeyDecider, accessKeyStream(accessKeyId), { type: 'DeleteAccessKey', accessKeyId, metadata }, { principalExists: true });
    if (position !== undefined) await this.projection.waitForPosition(position);
    const view = this.keys.key(accessKeyId);
    if (!view || view.account !== caller.account) throw new NotFoundError('access key', accessKeyId);
    return infoOf(view);
  }

  /** For the gateway only: null for an unknown or deleted key, or one whose principal is gone. */
  async accessKeySecret(accessKeyId: string): Promise<AccessKeySecret | null> {
    if (!ACCESS_KEY_ID_SHAPE.test(accessKeyId)) return null;
    const view = this.keys.key(accessKeyId);
    if (!view || view.deletedAt !== null) return null;
    const principal = this.projection.identities.authorizationPrincipal(view.account, view.principalId);
    if (!principal) return null;
    const secretAccessKey = await this.cipher.decrypt(view.encryptedSecret, { accessKeyId, account: view.account });
    return { secretAccessKey, principal, actor: `${view.principalId} (access key ${accessKeyId})`, accessKeyId };
  }
}
