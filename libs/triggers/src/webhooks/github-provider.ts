import type { GitPullRequestEventType } from '@sluice/domain';
import { DeliveryRejected } from './delivery-rejected';
import { changedFilesOfCommits, optionalString, parseJsonObject, requiredString, type JsonObject } from './payload-fields';
import { hmacSha256, signatureHeaderMatches } from './signature';
import type { ParsedDelivery, WebhookProvider } from './webhook-provider';
import { headerValue, type WebhookRequest } from './webhook-request';

const PULL_REQUEST_ACTIONS: Record<string, GitPullRequestEventType> = {
  opened: 'OPEN',
  reopened: 'OPEN',
  synchronize: 'UPDATED',
  closed: 'CLOSED',
};

const NULL_COMMIT = /^0+$/;

/** GitHub: `X-Hub-Signature-256` is an HMAC-SHA256 of the raw body; `push` and `pull_request` events. */
export const githubProvider: WebhookProvider = {
  verify(request: WebhookRequest, secret: string): void {
    if (!signatureHeaderMatches(headerValue(request.headers, 'x-hub-signature-256'), hmacSha256(secret, request.rawBody))) {
      throw new DeliveryRejected(401, 'missing or invalid X-Hub-Signature-256');
    }
  },

  parse(request: WebhookRequest): ParsedDelivery {
    const deliveryId = headerValue(request.headers, 'x-github-delivery');
    const eventName = headerValue(request.headers, 'x-github-event');
    if (!deliveryId) throw new DeliveryRejected(400, 'missing X-GitHub-Delivery header');
    if (!eventName) throw new DeliveryRejected(400, 'missing X-GitHub-Event header');
    const payload = parseJsonObject(request.rawBody);
    switch (eventName) {
      case 'push':
        return parsePush(deliveryId, payload);
      case 'pull_request':
        return parsePullRequest(deliveryId, payload);
      default:
        return { kind: 'ignored', reason: `GitHub event "${eventName}" starts nothing` };
    }
  },
};

function repositoryUrls(payload: JsonObject): string[] {
  const urls = ['repository.clone_url', 'repository.ssh_url', 'repository.html_url', 'repository.git_url'].map((path) => optionalString(payload, path));
  const known = urls.filter((url): url is string => url !== undefined);
  if (known.length === 0) throw new DeliveryRejected(400, 'malformed payload: repository.clone_url must be a non-empty string');
  return known;
}

function parsePush(deliveryId: string, payload: JsonObject): ParsedDelivery {
  const ref = requiredString(payload, 'ref');
  const commitId = requiredString(payload, 'after');
  if (payload.deleted === true || NULL_COMMIT.test(commitId)) return { kind: 'ignored', reason: `${ref} was deleted` };
  return { kind: 'event', deliveryId, event: { kind: 'push', repositoryUrls: repositoryUrls(payload), ref, commitId, changedFiles: changedFilesOfCommits(payload) } };
}

function parsePullRequest(deliveryId: string, payload: JsonObject): ParsedDelivery {
  const action = requiredString(payload, 'action');
  const event = PULL_REQUEST_ACTIONS[action];
  if (!event) return { kind: 'ignored', reason: `pull request action "${action}" starts nothing` };
  return {
    kind: 'event',
    deliveryId,
    event: {
      kind: 'pullRequest',
      repositoryUrls: repositoryUrls(payload),
      event,
      sourceBranch: requiredString(payload, 'pull_request.head.ref'),
      destinationBranch: requiredString(payload, 'pull_request.base.ref'),
      commitId: requiredString(payload, 'pull_request.head.sha'),
    },
  };
}
