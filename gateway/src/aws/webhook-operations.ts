import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AwsCall, AwsOperation } from './aws-endpoint';
import { AwsError, validationException } from './aws-errors';
import type { AwsGraphql } from './gateway-graphql';
import { decodeNextToken, encodeNextToken, maxResultsOf } from './next-token';

/**
 * CodePipeline's webhook operations over Sluice's webhooks (decision 0039), each one GraphQL operation (decision 0024):
 * PutWebhook → putWebhook, ListWebhooks → webhooks, DeleteWebhook → deleteWebhook, Register/DeregisterWebhookWithThirdParty
 * → their mutations. The secret token is never answered; the URL is the gateway's own, as the caller reached it.
 */

type Json = Record<string, any>;

const WEBHOOK_FIELDS = `name targetPipeline targetAction filters { jsonPath matchEquals } authentication
  authenticationConfiguration { allowedIPRange } path arn tags { key value }`;

/** CodePipeline's limit of tags on a resource (its model names TooManyTagsException and InvalidTagsException for PutWebhook). */
const MAX_TAGS = 50;

function tagsOf(input: Json): Array<{ key: string; value: string }> | undefined {
  const tags = input.tags;
  if (tags === undefined || tags === null) return undefined;
  if (!Array.isArray(tags)) throw validationException([{ path: 'tags', value: tags, constraint: 'Member must be a list' }]);
  if (tags.length > MAX_TAGS) throw new AwsError('TooManyTagsException', `A resource has at most ${MAX_TAGS} tags; the request gives ${tags.length}.`);
  return tags.map((tag: Json, i) => {
    if (typeof tag?.key !== 'string' || typeof tag?.value !== 'string') throw validationException([{ path: `tags.${i + 1}`, value: tag, constraint: 'Member must have a string key and value' }]);
    if (tag.key.toLowerCase().startsWith('aws:')) throw new AwsError('InvalidTagsException', `Tag keys starting with 'aws:' are reserved for AWS; tags.${i + 1}.key is '${tag.key}'.`);
    return { key: tag.key, value: tag.value };
  });
}

function nameOf(input: Json, member: string, required: boolean): string {
  const value = input[member];
  if (value === undefined || value === null) {
    if (required) throw validationException([{ path: member, value, constraint: 'Member must not be null' }]);
    throw new AwsError('WebhookNotFoundException', 'No webhook name was given.');
  }
  if (typeof value !== 'string' || !/^[A-Za-z0-9.@_-]{1,100}$/.test(value)) {
    throw validationException([{ path: member, value, constraint: 'Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+ and have length between 1 and 100' }]);
  }
  return value;
}

/** The gateway's address as the caller reached it: where the webhook's path is served. */
export function gatewayOrigin(req: IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() ?? ((req.socket as TLSSocket).encrypted ? 'https' : 'http');
  return `${proto === 'https' ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
}

/** CodePipeline's ListWebhookItem from Sluice's webhook. */
function webhookItemOf(webhook: Json, call: AwsCall): Json {
  return {
    definition: {
      name: webhook.name,
      targetPipeline: webhook.targetPipeline,
      targetAction: webhook.targetAction,
      filters: (webhook.filters as Json[]).map(({ jsonPath, matchEquals }) => (matchEquals === null ? { jsonPath } : { jsonPath, matchEquals })),
      authentication: webhook.authentication,
      // Never the SecretToken: CodePipeline's listing would show it; Sluice keeps it sealed.
      authenticationConfiguration: webhook.authenticationConfiguration.allowedIPRange ? { AllowedIPRange: webhook.authenticationConfiguration.allowedIPRange } : {},
    },
    url: `${gatewayOrigin(call.req)}${webhook.path}`,
    arn: webhook.arn,
    tags: webhook.tags,
  };
}

export function webhookOperations(graphql: AwsGraphql): Record<string, AwsOperation> {
  return {
    async PutWebhook(input, call) {
      const webhook = input.webhook;
      if (webhook === undefined || webhook === null) throw validationException([{ path: 'webhook', value: webhook, constraint: 'Member must not be null' }]);
      if (typeof webhook !== 'object' || Array.isArray(webhook)) throw validationException([{ path: 'webhook', value: webhook, constraint: 'Member must be a structure' }]);
      const tags = tagsOf(input);
      const { putWebhook } = await graphql(
        call,
        `mutation($webhook: JSON!, $tags: [TagInput!]) { putWebhook(webhook: $webhook, tags: $tags) { ${WEBHOOK_FIELDS} } }`,
        { webhook, tags: tags ?? null },
      );
      return { webhook: webhookItemOf(putWebhook, call) };
    },

    async ListWebhooks(input, call) {
      // ListWebhooks spells its paging members MaxResults and NextToken (the other listings: maxResults, nextToken).
      const MaxResults = input.MaxResults as unknown;
      if (MaxResults !== undefined && MaxResults !== null && (typeof MaxResults !== 'number' || !Number.isInteger(MaxResults) || MaxResults < 1 || MaxResults > 100)) {
        throw validationException([{ path: 'MaxResults', value: MaxResults, constraint: 'Member must be an integer from 1 to 100' }]);
      }
      const first = maxResultsOf({ maxResults: MaxResults }, { limit: 100, default: 100 });
      const after = decodeNextToken('ListWebhooks', input.NextToken) ?? null;
      const { webhooks } = await graphql(
        call,
        `query($first: Int, $after: String) { webhooks(first: $first, after: $after) { nodes { ${WEBHOOK_FIELDS} } pageInfo { hasNextPage endCursor } } }`,
        { first, after },
      );
      const { nodes, pageInfo } = webhooks as Json;
      return {
        webhooks: (nodes as Json[]).map((webhook) => webhookItemOf(webhook, call)),
        ...(pageInfo.hasNextPage && pageInfo.endCursor ? { NextToken: encodeNextToken('ListWebhooks', pageInfo.endCursor) } : {}),
      };
    },

    async DeleteWebhook(input, call) {
      await graphql(call, `mutation($name: String!) { deleteWebhook(name: $name) }`, { name: nameOf(input, 'name', true) });
      return {};
    },

    async RegisterWebhookWithThirdParty(input, call) {
      await graphql(call, `mutation($name: String!) { registerWebhookWithThirdParty(name: $name) { name } }`, { name: nameOf(input, 'webhookName', false) });
      return {};
    },

    async DeregisterWebhookWithThirdParty(input, call) {
      await graphql(call, `mutation($name: String!) { deregisterWebhookWithThirdParty(name: $name) { name } }`, { name: nameOf(input, 'webhookName', false) });
      return {};
    },
  };
}
