import { createHash } from 'node:crypto';
import type { GitPullRequestEventType } from '@sluice/domain';
import { DeliveryRejected } from './delivery-rejected';
import { changedFilesOfCommits, optionalString, parseJsonObject, requiredString, type JsonObject } from './payload-fields';
import { secretsEqual } from './signature';
import type { ParsedDelivery, WebhookProvider } from './webhook-provider';
import { headerValue, type WebhookRequest } from './webhook-request';

const MERGE_REQUEST_ACTIONS: Record<string, GitPullRequestEventType> = {
  open: 'OPEN',
  reopen: 'OPEN',
  update: 'UPDATED',
  close: 'CLOSED',
  merge: 'CLOSED',
};

const NULL_COMMIT = /^0+$/;

/** GitLab: `X-Gitlab-Token` is the shared secret itself; push, tag push and merge request hooks. */
export const gitlabProvider: WebhookProvider = {
  verify(request: WebhookRequest, secret: string): void {
    if (!secretsEqual(headerValue(request.headers, 'x-gitlab-token'), secret)) throw new DeliveryRejected(401, 'missing or invalid X-Gitlab-Token');
  },

  parse(request: WebhookRequest): ParsedDelivery {
    const eventName = headerValue(request.headers, 'x-gitlab-event');
    if (!eventName) throw new DeliveryRejected(400, 'missing X-Gitlab-Event header');
    const payload = parseJsonObject(request.rawBody);
    // Older GitLab versions send no UUID; the body then names the delivery.
    const deliveryId = headerValue(request.headers, 'x-gitlab-event-uuid') ?? createHash('sha256').update(request.rawBody).digest('hex');
    switch (eventName) {
      case 'Push Hook':
      case 'Tag Push Hook':
        return parsePush(deliveryId, payload);
      case 'Merge Request Hook':
        return parseMergeRequest(deliveryId, payload);
      default:
        return { kind: 'ignored', reason: `GitLab event "${eventName}" starts nothing` };
    }
  },
};

function repositoryUrls(payload: JsonObject, project: string): string[] {
  const urls = [`${project}.git_http_url`, `${project}.git_ssh_url`, `${project}.web_url`].map((path) => optionalString(payload, path));
  const known = urls.filter((url): url is string => url !== undefined);
  if (known.length === 0) throw new DeliveryRejected(400, `malformed payload: ${project}.git_http_url must be a non-empty string`);
  return known;
}

function parsePush(deliveryId: string, payload: JsonObject): ParsedDelivery {
  const ref = requiredString(payload, 'ref');
  const commitId = requiredString(payload, 'after');
  if (NULL_COMMIT.test(commitId)) return { kind: 'ignored', reason: `${ref} was deleted` };
  return { kind: 'event', deliveryId, event: { kind: 'push', repositoryUrls: repositoryUrls(payload, 'project'), ref, commitId, changedFiles: changedFilesOfCommits(payload) } };
}

function parseMergeRequest(deliveryId: string, payload: JsonObject): ParsedDelivery {
  const action = requiredString(payload, 'object_attributes.action');
  const event = MERGE_REQUEST_ACTIONS[action];
  if (!event) return { kind: 'ignored', reason: `merge request action "${action}" starts nothing` };
  return {
    kind: 'event',
    deliveryId,
    event: {
      kind: 'pullRequest',
      repositoryUrls: repositoryUrls(payload, 'object_attributes.target'),
      event,
      sourceBranch: requiredString(payload, 'object_attributes.source_branch'),
      destinationBranch: requiredString(payload, 'object_attributes.target_branch'),
      commitId: requiredString(payload, 'object_attributes.last_commit.id'),
    },
  };
}
