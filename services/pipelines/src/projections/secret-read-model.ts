import { assertNever } from '@sluice/domain';
import { isSecretEvent, parseSecretStreamId, type SecretEvent } from '@sluice/contracts';
import type { RecordedEvent } from '@sluice/eventing';

/** What a listing shows of a secret: names, versions, dates. Never a value, not even sealed (decision 0043). */
export interface SecretView {
  name: string;
  description: string;
  version: number;
  created: string;
  createdBy: string;
  /** When and by whom the current version was put (a rotation). */
  updated: string;
  updatedBy: string;
}

/** Each account's secrets by name, folded from `secret-` streams: what listSecrets answers and definitions are checked against. */
export class SecretReadModel {
  private readonly accounts = new Map<string, Map<string, SecretView>>();

  apply(recorded: RecordedEvent): void {
    const id = parseSecretStreamId(recorded.streamId);
    if (!id || !isSecretEvent(recorded)) return;
    const event = { type: recorded.type, data: recorded.data } as SecretEvent;
    const secrets = this.accounts.get(id.account) ?? new Map<string, SecretView>();
    this.accounts.set(id.account, secrets);
    const existing = secrets.get(id.name);
    switch (event.type) {
      case 'SecretCreated':
        secrets.set(id.name, { name: id.name, description: event.data.description, version: 0, created: event.data.at, createdBy: event.data.by, updated: event.data.at, updatedBy: event.data.by });
        return;
      case 'SecretValuePut':
        if (existing) secrets.set(id.name, { ...existing, version: event.data.version, updated: event.data.at, updatedBy: event.data.by });
        return;
      case 'SecretDeleted':
        secrets.delete(id.name);
        return;
      default:
        assertNever(event);
    }
  }

  has(account: string, name: string): boolean {
    return this.accounts.get(account)?.has(name) ?? false;
  }

  get(account: string, name: string): SecretView | undefined {
    return this.accounts.get(account)?.get(name);
  }

  list(account: string): SecretView[] {
    return [...(this.accounts.get(account)?.values() ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  contents(): unknown {
    return Object.fromEntries([...this.accounts].map(([account, secrets]) => [account, Object.fromEntries(secrets)]));
  }
}
