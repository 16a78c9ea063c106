import { NotFoundError, ValidationError, type CommandMetadata, type ErrorCode, type PipelineDeclaration } from '@sluice/domain';
import { deciderSpec } from '@sluice/domain/testing';
import type { WebhookEvent } from '@sluice/contracts';
import { twoStagePipeline } from '@sluice/testing/fixtures';
import type { WebhookCommand } from './webhook';
import { webhookDecider } from './webhook-decider';

const metadata: CommandMetadata = { now: '2026-01-02T03:04:05.000Z', account: 'acme', actor: 'alice', correlationId: 'c-1' };
const web = twoStagePipeline('web') as unknown as PipelineDeclaration;
const given = deciderSpec(webhookDecider, { pipeline: (name: string) => (name === 'web' ? web : undefined) });

const webhook = (changes: Record<string, unknown> = {}) => ({
  name: 'on-push',
  targetPipeline: 'web',
  targetAction: 'Checkout',
  filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' }],
  authentication: 'GITHUB_HMAC',
  authenticationConfiguration: { SecretToken: 'the-secret-token' },
  ...changes,
});
const put = (input: unknown = webhook(), tags: unknown = undefined, urlId = 'url-2'): WebhookCommand => ({ type: 'PutWebhook', webhook: input, tags, sealedSecretToken: 'v1.sealed', urlId, metadata });
const definition = { name: 'on-push', targetPipeline: 'web', targetAction: 'Checkout', filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' }], authentication: 'GITHUB_HMAC' as const };
const putEvent = (urlId: string, at = metadata.now, by = 'alice'): WebhookEvent => ({ type: 'WebhookPut', data: { definition, urlId, sealedSecretToken: 'v1.sealed', tags: [], at, by } });
const created = putEvent('url-1', '2026-01-01T00:00:00.000Z', 'bob');
const deleted: WebhookEvent = { type: 'WebhookDeleted', data: { name: 'on-push', urlId: 'url-1', at: '2026-01-01T01:00:00.000Z', by: 'bob' } };
const registered: WebhookEvent = { type: 'WebhookRegisteredWithThirdParty', data: { name: 'on-push', at: '2026-01-01T00:30:00.000Z', by: 'bob' } };
const named = (type: 'DeleteWebhook' | 'RegisterWebhookWithThirdParty' | 'DeregisterWebhookWithThirdParty'): WebhookCommand => ({ type, name: 'on-push', metadata });

describe('webhook decider', () => {
  const accepted: Array<[string, WebhookEvent[], WebhookCommand, WebhookEvent[]]> = [
    ['puts a new webhook with a fresh URL id and only the sealed secret', [], put(), [putEvent('url-2')]],
    ['replaces one of the same name, keeping its URL', [created], put(), [putEvent('url-1')]],
    ['gives a webhook put again after deletion a new URL (the old one stays dead)', [created, deleted], put(), [putEvent('url-2')]],
    [
      'keeps an IP range and no secret for IP',
      [],
      put(webhook({ authentication: 'IP', authenticationConfiguration: { AllowedIPRange: '10.0.0.0/8' } })),
      [{ type: 'WebhookPut', data: { definition: { ...definition, authentication: 'IP', allowedIpRange: '10.0.0.0/8' }, urlId: 'url-2', tags: [], at: metadata.now, by: 'alice' } }],
    ],
    [
      'takes tags',
      [],
      put(webhook(), [{ key: 'team', value: 'web' }]),
      [{ type: 'WebhookPut', data: { ...(putEvent('url-2').data as object), tags: [{ key: 'team', value: 'web' }] } } as WebhookEvent],
    ],
    ['deletes it', [created], named('DeleteWebhook'), [{ type: 'WebhookDeleted', data: { name: 'on-push', urlId: 'url-1', at: metadata.now, by: 'alice' } }]],
    ['registers it with the third party', [created], named('RegisterWebhookWithThirdParty'), [{ type: 'WebhookRegisteredWithThirdParty', data: { name: 'on-push', at: metadata.now, by: 'alice' } }]],
    ['deregisters a registered one', [created, registered], named('DeregisterWebhookWithThirdParty'), [{ type: 'WebhookDeregisteredWithThirdParty', data: { name: 'on-push', at: metadata.now, by: 'alice' } }]],
  ];
  it.each(accepted)('%s', (_title, history, command, expected) => given(history).when(command).then(expected));

  const nothing: Array<[string, WebhookEvent[], WebhookCommand]> = [
    ['deleting one that never existed (AWS: idempotent)', [], named('DeleteWebhook')],
    ['deleting one twice', [created, deleted], named('DeleteWebhook')],
    ['registering one already registered', [created, registered], named('RegisterWebhookWithThirdParty')],
    ['deregistering one not registered', [created], named('DeregisterWebhookWithThirdParty')],
  ];
  it.each(nothing)('records nothing for %s', (_title, history, command) => given(history).when(command).thenNothingHappened());

  const refused: Array<[string, WebhookEvent[], WebhookCommand, abstract new (...args: never[]) => Error, ErrorCode]> = [
    ['a target pipeline that does not exist', [], put(webhook({ targetPipeline: 'nope' })), NotFoundError, 'PIPELINE_NOT_FOUND'],
    ['a target action the pipeline lacks', [], put(webhook({ targetAction: 'Nope' })), ValidationError, 'INVALID_INPUT'],
    ['a name with a space', [], put(webhook({ name: 'on push' })), ValidationError, 'INVALID_INPUT'],
    ['a missing filters list', [], put(webhook({ filters: undefined })), ValidationError, 'INVALID_INPUT'],
    ['six filters', [], put(webhook({ filters: Array(6).fill({ jsonPath: '$.ref' }) })), ValidationError, 'INVALID_INPUT'],
    ['a JSONPath with a wildcard', [], put(webhook({ filters: [{ jsonPath: '$.commits[*].id', matchEquals: 'x' }] })), ValidationError, 'INVALID_WEBHOOK_FILTER_PATTERN'],
    ['a JSONPath not starting with $', [], put(webhook({ filters: [{ jsonPath: 'ref', matchEquals: 'x' }] })), ValidationError, 'INVALID_WEBHOOK_FILTER_PATTERN'],
    ['a placeholder the target action lacks', [], put(webhook({ filters: [{ jsonPath: '$.ref', matchEquals: '{Nope}' }] })), ValidationError, 'INVALID_WEBHOOK_FILTER_PATTERN'],
    ['GITHUB_HMAC without a secret token', [], put(webhook({ authenticationConfiguration: {} })), ValidationError, 'INVALID_WEBHOOK_AUTHENTICATION_PARAMETERS'],
    ['IP with a range that is not CIDR', [], put(webhook({ authentication: 'IP', authenticationConfiguration: { AllowedIPRange: '10.0.0.300/8' } })), ValidationError, 'INVALID_WEBHOOK_AUTHENTICATION_PARAMETERS'],
    ['UNAUTHENTICATED with a secret token', [], put(webhook({ authentication: 'UNAUTHENTICATED' })), ValidationError, 'INVALID_WEBHOOK_AUTHENTICATION_PARAMETERS'],
    ['an unknown authentication', [], put(webhook({ authentication: 'BASIC' })), ValidationError, 'INVALID_INPUT'],
    ['an aws: tag', [], put(webhook(), [{ key: 'aws:x', value: 'y' }]), ValidationError, 'INVALID_INPUT'],
    ['registering one that does not exist', [], named('RegisterWebhookWithThirdParty'), NotFoundError, 'WEBHOOK_NOT_FOUND'],
    ['deregistering a deleted one', [created, deleted], named('DeregisterWebhookWithThirdParty'), NotFoundError, 'WEBHOOK_NOT_FOUND'],
  ];
  it.each(refused)('refuses %s', (_title, history, command, errorClass, code) => given(history).when(command).thenThrows(errorClass, (error) => expect(error).toMatchObject({ code })));

  it('never records the secret token in clear', () => {
    const events = webhookDecider.decide(put(), webhookDecider.initialState, { pipeline: () => web });
    expect(JSON.stringify(events)).not.toContain('the-secret-token');
  });
});
