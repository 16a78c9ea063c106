import { NotFoundError, ValidationError } from '@sluice/domain';
import type { WebhookPage, WebhookReadModel, WebhookView } from '../projections/webhook-read-model';
import type { Caller } from './caller';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 100;

export class WebhookQueries {
  constructor(private readonly readModel: () => WebhookReadModel) {}

  listWebhooks(caller: Caller, first?: number | null, after?: string | null): WebhookPage {
    const size = first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw new ValidationError([{ path: 'first', code: 'invalid_page_size', message: `first must be between 1 and ${MAX_PAGE_SIZE}, got ${size}.` }]);
    }
    return this.readModel().listWebhooks(caller.account, size, after ?? undefined);
  }

  getWebhook(caller: Caller, name: string): WebhookView {
    const found = this.readModel().getWebhook(caller.account, name);
    if (!found) throw new NotFoundError('webhook', name);
    return found;
  }
}
