import {
  checkString,
  IssueCollector,
  MAX_MATCH_EQUALS_LENGTH,
  MAX_WEBHOOK_FILTERS,
  NotFoundError,
  parseIpRange,
  parseJsonPath,
  PIPELINE_NAME_RULE,
  placeholdersOf,
  placeholderValue,
  ValidationError,
  type ErrorCode,
  type PipelineDeclaration,
} from '@sluice/domain';
import { WEBHOOK_AUTHENTICATIONS, type WebhookAuthentication, type WebhookDefinitionData, type WebhookFilterRule } from '@sluice/contracts';
import { checkTags, type Tag } from '../tag';
import type { WebhookContext } from './webhook';

const NAME_RULE = { ...PIPELINE_NAME_RULE };
const MAX_SECRET_TOKEN_LENGTH = 100;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Issues in three kinds, because CodePipeline answers each with its own exception. */
class WebhookIssues {
  readonly input = new IssueCollector();
  readonly filters = new IssueCollector();
  readonly authentication = new IssueCollector();

  /** One error for all issues, its code by the most general kind present. */
  throwIfAny(): void {
    const all = [...this.input.issues, ...this.filters.issues, ...this.authentication.issues];
    if (all.length === 0) return;
    const code: ErrorCode = this.input.count > 0 ? 'INVALID_INPUT' : this.filters.count > 0 ? 'INVALID_WEBHOOK_FILTER_PATTERN' : 'INVALID_WEBHOOK_AUTHENTICATION_PARAMETERS';
    throw new ValidationError(all, 'The webhook cannot be put', code);
  }
}

function requiredName(value: unknown, label: string, path: string, issues: IssueCollector): string | undefined {
  if (typeof value !== 'string') {
    issues.add(path, 'required', `${label} is required and must be a string.`);
    return undefined;
  }
  return checkString(value, { label, ...NAME_RULE }, path, issues) ? value : undefined;
}

/**
 * PutWebhook's `webhook` and `tags`, checked as CodePipeline does, and against the account's pipelines: the target
 * pipeline must exist (PipelineNotFoundException), the target action be one of its actions, and every `{Key}` in
 * a filter's `matchEquals` a property of that action's configuration. Returns the definition without the secret.
 */
export function validateWebhookDefinition(webhook: unknown, tagsInput: unknown, context: WebhookContext): { definition: WebhookDefinitionData; secretToken?: string; tags: Tag[] } {
  const issues = new WebhookIssues();
  if (!isObject(webhook)) throw new ValidationError([{ path: 'webhook', code: 'required', message: 'webhook is required and must be an object.' }], 'The webhook cannot be put');
  const name = requiredName(webhook.name, 'Webhook name', 'webhook.name', issues.input);
  const targetPipeline = requiredName(webhook.targetPipeline, 'Target pipeline', 'webhook.targetPipeline', issues.input);
  const targetAction = requiredName(webhook.targetAction, 'Target action', 'webhook.targetAction', issues.input);

  const filters: WebhookFilterRule[] = [];
  if (!Array.isArray(webhook.filters)) issues.input.add('webhook.filters', 'required', 'filters is required: a list of {jsonPath, matchEquals}.');
  else if (webhook.filters.length > MAX_WEBHOOK_FILTERS) issues.input.add('webhook.filters', 'too_many', `A webhook has at most ${MAX_WEBHOOK_FILTERS} filters, not ${webhook.filters.length}.`);
  else {
    webhook.filters.forEach((filter: unknown, i) => {
      const path = `webhook.filters[${i}]`;
      if (!isObject(filter)) return issues.input.add(path, 'invalid_type', 'A filter is an object {jsonPath, matchEquals}.');
      const { jsonPath, matchEquals } = filter;
      if (typeof jsonPath !== 'string') return issues.input.add(`${path}.jsonPath`, 'required', 'jsonPath is required and must be a string.');
      const parsed = parseJsonPath(jsonPath);
      if (!parsed.ok) issues.filters.add(`${path}.jsonPath`, 'invalid_json_path', parsed.problem);
      if (matchEquals !== undefined && matchEquals !== null) {
        if (typeof matchEquals !== 'string' || matchEquals.length === 0 || matchEquals.length > MAX_MATCH_EQUALS_LENGTH) {
          return issues.input.add(`${path}.matchEquals`, 'invalid_length', `matchEquals is a string of 1 to ${MAX_MATCH_EQUALS_LENGTH} characters.`);
        }
        filters.push({ jsonPath, matchEquals });
      } else filters.push({ jsonPath });
    });
  }

  const authentication = webhook.authentication;
  const validAuthentication = typeof authentication === 'string' && (WEBHOOK_AUTHENTICATIONS as readonly string[]).includes(authentication);
  if (!validAuthentication) issues.input.add('webhook.authentication', 'invalid_value', `authentication is one of ${WEBHOOK_AUTHENTICATIONS.join(', ')}.`);
  const configuration = webhook.authenticationConfiguration ?? {};
  let secretToken: string | undefined;
  let allowedIpRange: string | undefined;
  if (!isObject(configuration)) issues.input.add('webhook.authenticationConfiguration', 'invalid_type', 'authenticationConfiguration is an object {SecretToken} or {AllowedIPRange}.');
  else if (validAuthentication) {
    const { SecretToken, AllowedIPRange } = configuration;
    const auth = authentication as WebhookAuthentication;
    const at = 'webhook.authenticationConfiguration';
    if (auth === 'GITHUB_HMAC') {
      if (typeof SecretToken !== 'string' || SecretToken.length === 0 || SecretToken.length > MAX_SECRET_TOKEN_LENGTH) {
        issues.authentication.add(`${at}.SecretToken`, 'required', `GITHUB_HMAC needs a SecretToken of 1 to ${MAX_SECRET_TOKEN_LENGTH} characters.`);
      } else secretToken = SecretToken;
    } else if (SecretToken !== undefined && SecretToken !== null) issues.authentication.add(`${at}.SecretToken`, 'not_allowed', `SecretToken belongs to GITHUB_HMAC, not ${auth}.`);
    if (auth === 'IP') {
      const range = typeof AllowedIPRange === 'string' ? parseIpRange(AllowedIPRange) : undefined;
      if (!range?.ok) issues.authentication.add(`${at}.AllowedIPRange`, 'invalid_ip_range', range ? range.problem : 'IP needs an AllowedIPRange: a CIDR range such as 10.0.0.0/8.');
      else allowedIpRange = AllowedIPRange as string;
    } else if (AllowedIPRange !== undefined && AllowedIPRange !== null) issues.authentication.add(`${at}.AllowedIPRange`, 'not_allowed', `AllowedIPRange belongs to IP, not ${auth}.`);
  }

  const tags = readTags(tagsInput, issues.input);
  issues.throwIfAny();

  const pipeline = context.pipeline(targetPipeline!);
  if (!pipeline) throw new NotFoundError('pipeline', targetPipeline!, `The target pipeline '${targetPipeline}' does not exist in the account.`);
  const action = actionOf(pipeline, targetAction!);
  if (!action) {
    issues.input.add('webhook.targetAction', 'unknown_action', `Pipeline '${targetPipeline}' has no action '${targetAction}'.`);
  } else {
    filters.forEach((filter, i) => {
      for (const key of filter.matchEquals === undefined ? [] : placeholdersOf(filter.matchEquals)) {
        if (placeholderValue(key, action.configuration ?? {}) === undefined) {
          issues.filters.add(`webhook.filters[${i}].matchEquals`, 'unknown_placeholder', `{${key}} names no configuration property of action '${targetAction}'.`);
        }
      }
    });
  }
  issues.throwIfAny();
  const definition: WebhookDefinitionData = {
    name: name!,
    targetPipeline: targetPipeline!,
    targetAction: targetAction!,
    filters,
    authentication: authentication as WebhookAuthentication,
    ...(allowedIpRange !== undefined ? { allowedIpRange } : {}),
  };
  return { definition, ...(secretToken !== undefined ? { secretToken } : {}), tags };
}

function actionOf(pipeline: PipelineDeclaration, name: string) {
  for (const stage of pipeline.stages) for (const action of stage.actions) if (action.name === name) return action;
  return undefined;
}

function readTags(value: unknown, issues: IssueCollector): Tag[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.add('tags', 'invalid_type', 'tags is a list of {key, value}.');
    return [];
  }
  const tags: Tag[] = [];
  value.forEach((tag: unknown, i) => {
    if (!isObject(tag) || typeof tag.key !== 'string' || typeof tag.value !== 'string') issues.add(`tags[${i}]`, 'invalid_type', 'A tag is {key, value}, both strings.');
    else tags.push({ key: tag.key, value: tag.value });
  });
  checkTags(tags, [], 'tags', issues);
  return tags;
}
