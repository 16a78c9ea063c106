import { assertNever, NotFoundError, type Decider } from '@sluice/domain';
import type { WebhookEvent } from '@sluice/contracts';
import {
  type DeleteWebhook,
  type DeregisterWebhookWithThirdParty,
  type PutWebhook,
  type RegisterWebhookWithThirdParty,
  type WebhookCommand,
  type WebhookContext,
  type WebhookState,
} from './webhook';
import { validateWebhookDefinition } from './validate-webhook-definition';

export const webhookDecider: Decider<WebhookCommand, WebhookEvent, WebhookState, WebhookContext> = {
  initialState: { status: 'Absent' },
  evolve: evolveWebhook,
  decide(command, state, context) {
    switch (command.type) {
      case 'PutWebhook':
        return putWebhook(command, state, context);
      case 'DeleteWebhook':
        return deleteWebhook(command, state);
      case 'RegisterWebhookWithThirdParty':
        return registerWebhook(command, state);
      case 'DeregisterWebhookWithThirdParty':
        return deregisterWebhook(command, state);
      default:
        return assertNever(command);
    }
  },
};

/** Creates the webhook, or replaces the one of that name (CodePipeline: PutWebhook is create-or-update); the URL stays. */
function putWebhook(command: PutWebhook, state: WebhookState, context: WebhookContext): WebhookEvent[] {
  const { definition, secretToken, tags } = validateWebhookDefinition(command.webhook, command.tags, context);
  if (secretToken !== undefined && command.sealedSecretToken === undefined) throw new Error('the secret token was not sealed before deciding');
  const { now, actor } = command.metadata;
  const urlId = state.status === 'Active' ? state.urlId : command.urlId;
  return [
    {
      type: 'WebhookPut',
      data: { definition, urlId, ...(secretToken !== undefined ? { sealedSecretToken: command.sealedSecretToken } : {}), tags, at: now, by: actor },
    },
  ];
}

/** CodePipeline's DeleteWebhook succeeds on a webhook that does not exist (or no longer does): nothing to record. */
function deleteWebhook(command: DeleteWebhook, state: WebhookState): WebhookEvent[] {
  if (state.status !== 'Active') return [];
  return [{ type: 'WebhookDeleted', data: { name: command.name, urlId: state.urlId, at: command.metadata.now, by: command.metadata.actor } }];
}

function registerWebhook(command: RegisterWebhookWithThirdParty, state: WebhookState): WebhookEvent[] {
  if (state.status !== 'Active') throw new NotFoundError('webhook', command.name);
  if (state.registeredWithThirdParty) return [];
  return [{ type: 'WebhookRegisteredWithThirdParty', data: { name: command.name, at: command.metadata.now, by: command.metadata.actor } }];
}

function deregisterWebhook(command: DeregisterWebhookWithThirdParty, state: WebhookState): WebhookEvent[] {
  if (state.status !== 'Active') throw new NotFoundError('webhook', command.name);
  if (!state.registeredWithThirdParty) return [];
  return [{ type: 'WebhookDeregisteredWithThirdParty', data: { name: command.name, at: command.metadata.now, by: command.metadata.actor } }];
}

export function evolveWebhook(state: WebhookState, event: WebhookEvent): WebhookState {
  switch (event.type) {
    case 'WebhookPut': {
      const registered = state.status === 'Active' && state.registeredWithThirdParty;
      return { status: 'Active', definition: event.data.definition, urlId: event.data.urlId, tags: event.data.tags, registeredWithThirdParty: registered };
    }
    case 'WebhookDeleted':
      return { status: 'Deleted', urlId: event.data.urlId };
    case 'WebhookRegisteredWithThirdParty':
      return state.status === 'Active' ? { ...state, registeredWithThirdParty: true } : state;
    case 'WebhookDeregisteredWithThirdParty':
      return state.status === 'Active' ? { ...state, registeredWithThirdParty: false } : state;
    default:
      return assertNever(event);
  }
}
