import type { RecordedEvent } from '@sluice/eventing';
import { ACCESS_KEY_STREAM_PREFIX, type AccessKeyEvent } from '@sluice/contracts';

export interface AccessKeyView {
  accessKeyId: string;
  account: string;
  principalId: string;
  /** Encrypted (decision 0024): only the `accessKeySecret` lookup for the gateway decrypts it. */
  encryptedSecret: string;
  createdAt: string;
  deletedAt: string | null;
}

/** Access keys in memory by id, rebuilt by replay at start (fed by PermissionsProjection). */
export class AccessKeyReadModel {
  private readonly keys = new Map<string, AccessKeyView>();

  static handles(streamId: string): boolean {
    return streamId.startsWith(ACCESS_KEY_STREAM_PREFIX);
  }

  apply(recorded: RecordedEvent): void {
    const event = { type: recorded.type, data: recorded.data } as AccessKeyEvent;
    switch (event.type) {
      case 'AccessKeyCreated':
        this.keys.set(event.data.accessKeyId, { ...event.data, deletedAt: null });
        return;
      case 'AccessKeyDeleted': {
        const view = this.keys.get(recorded.streamId.slice(ACCESS_KEY_STREAM_PREFIX.length));
        if (view) view.deletedAt = event.data.deletedAt;
        return;
      }
      default:
        return;
    }
  }

  /** Every key by id, sorted: rebuilt and live copies compare deep-equal. */
  contents(): Map<string, AccessKeyView> {
    return new Map([...this.keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  key(accessKeyId: string): AccessKeyView | undefined {
    return this.keys.get(accessKeyId);
  }

  keysOf(account: string, principalId?: string): AccessKeyView[] {
    return [...this.keys.values()]
      .filter((view) => view.account === account && (principalId === undefined || view.principalId === principalId))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }
}
