import { assertNever } from '@sluice/domain';
import { isWebhookEvent, parseWebhookStreamId, type WebhookDefinitionData, type WebhookEvent } from '@sluice/contracts';
import type { RecordedEvent } from '@sluice/eventing';
import type { Tag } from '../domain/tag';
import { InvalidCursorError } from './pipeline-read-model';

/** A webhook as it is now: what ListWebhooks answers and what the triggers serve (the secret only sealed). */
export interface WebhookView {
  account: string;
  definition: WebhookDefinitionData;
  urlId: string;
  sealedSecretToken?: string;
  tags: Tag[];
  registeredWithThirdParty: boolean;
  created: string;
  updated: string;
}

export interface WebhookPage {
  webhooks: WebhookView[];
  endCursor: string | null;
  hasNextPage: boolean;
}

const encodeCursor = (name: string): string => Buffer.from(JSON.stringify({ webhookAfter: name }), 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  try {
    const after = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { webhookAfter?: unknown } | null)?.webhookAfter;
    if (typeof after === 'string') return after;
  } catch {
    // reported below
  }
  throw new InvalidCursorError(`'${cursor}' is not a cursor returned by webhooks.`);
}

/** Each account's webhooks by name, and every webhook by its URL id (the triggers' lookup), folded from `webhook-` streams. */
export class WebhookReadModel {
  private readonly accounts = new Map<string, Map<string, WebhookView>>();
  private readonly byUrlId = new Map<string, WebhookView>();

  apply(recorded: RecordedEvent): void {
    const id = parseWebhookStreamId(recorded.streamId);
    if (!id || !isWebhookEvent(recorded)) return;
    const event = { type: recorded.type, data: recorded.data } as WebhookEvent;
    const webhooks = this.accounts.get(id.account) ?? new Map<string, WebhookView>();
    this.accounts.set(id.account, webhooks);
    const existing = webhooks.get(id.name);
    switch (event.type) {
      case 'WebhookPut': {
        const { definition, urlId, sealedSecretToken, tags, at } = event.data;
        const view: WebhookView = {
          account: id.account,
          definition,
          urlId,
          ...(sealedSecretToken !== undefined ? { sealedSecretToken } : {}),
          tags,
          registeredWithThirdParty: existing?.registeredWithThirdParty ?? false,
          created: existing?.created ?? at,
          updated: at,
        };
        webhooks.set(id.name, view);
        this.byUrlId.set(urlId, view);
        return;
      }
      case 'WebhookDeleted':
        webhooks.delete(id.name);
        this.byUrlId.delete(event.data.urlId);
        return;
      case 'WebhookRegisteredWithThirdParty':
      case 'WebhookDeregisteredWithThirdParty':
        if (existing) {
          const view = { ...existing, registeredWithThirdParty: event.type === 'WebhookRegisteredWithThirdParty' };
          webhooks.set(id.name, view);
          this.byUrlId.set(view.urlId, view);
        }
        return;
      default:
        assertNever(event);
    }
  }

  contents(): ReadonlyMap<string, ReadonlyMap<string, WebhookView>> {
    return this.accounts;
  }

  getWebhook(account: string, name: string): WebhookView | undefined {
    return this.accounts.get(account)?.get(name);
  }

  /** The webhook served at `/webhooks/aws/{urlId}`, whatever its account. */
  webhookAtUrl(urlId: string): WebhookView | undefined {
    return this.byUrlId.get(urlId);
  }

  /** The account's webhooks in the order of their names; `after` is a cursor from a previous page. */
  listWebhooks(account: string, first: number, after?: string): WebhookPage {
    const afterName = after === undefined ? undefined : decodeCursor(after);
    const all = [...(this.accounts.get(account)?.values() ?? [])]
      .filter((view) => afterName === undefined || view.definition.name > afterName)
      .sort((a, b) => (a.definition.name < b.definition.name ? -1 : a.definition.name > b.definition.name ? 1 : 0));
    const page = all.slice(0, first);
    const last = page[page.length - 1];
    return { webhooks: page, endCursor: last ? encodeCursor(last.definition.name) : null, hasNextPage: all.length > first };
  }
}
