import { ConflictError, NotFoundError, ValidationError, type CommandMetadata, type PipelineDeclaration } from '@sluice/domain';
import { deciderSpec } from '@sluice/domain/testing';
import type { NotificationRuleEvent } from '@sluice/contracts';
import type { NotificationRuleCommand } from './notification-rule';
import { notificationRuleDecider } from './notification-rule-decider';

const metadata: CommandMetadata = { now: '2026-01-02T03:04:05.000Z', account: 'acme', actor: 'alice', correlationId: 'c-1' };
const given = deciderSpec(notificationRuleDecider, { pipeline: (name: string) => (name === 'web' ? ({} as PipelineDeclaration) : undefined) });

const rule = (changes: Record<string, unknown> = {}) => ({
  name: 'on-failure',
  pipelineName: 'web',
  eventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed', 'codepipeline-pipeline-manual-approval-needed'],
  targets: [
    { type: 'Webhook', address: 'https://hooks.example.test/sluice', secret: 'a-secret-of-at-least-16' },
    { type: 'Slack', address: 'https://hooks.slack.com/services/T0/B0/x' },
    { type: 'Email', address: 'oncall@example.test' },
  ],
  ...changes,
});
const create = (input: unknown = rule(), sealed = new Map([[0, 'v1.sealed']])): NotificationRuleCommand => ({ type: 'CreateNotificationRule', rule: input, sealedSecrets: sealed, ruleId: 'rule-2', metadata });
const created: NotificationRuleEvent = {
  type: 'NotificationRuleCreated',
  data: {
    definition: {
      name: 'on-failure',
      pipelineName: 'web',
      eventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed', 'codepipeline-pipeline-manual-approval-needed'],
      targets: [
        { type: 'Webhook', address: 'https://hooks.example.test/sluice', sealedSecret: 'v1.sealed' },
        { type: 'Slack', address: 'https://hooks.slack.com/services/T0/B0/x' },
        { type: 'Email', address: 'oncall@example.test' },
      ],
      status: 'ENABLED',
    },
    ruleId: 'rule-2',
    at: metadata.now,
    by: 'alice',
  },
};
const deleted: NotificationRuleEvent = { type: 'NotificationRuleDeleted', data: { name: 'on-failure', ruleId: 'rule-2', at: metadata.now, by: 'alice' } };
const remove: NotificationRuleCommand = { type: 'DeleteNotificationRule', name: 'on-failure', metadata };

describe('notification rule decider', () => {
  it('creates a rule with only the sealed secret of its webhook target', () => given([]).when(create()).then([created]));
  it('creates one again after it was deleted', () => given([created, deleted]).when(create()).then([created]));
  it('deletes it', () => given([created]).when(remove).then([deleted]));

  const refused: Array<[string, NotificationRuleEvent[], NotificationRuleCommand, abstract new (...args: never[]) => Error, string | undefined]> = [
    ['a name taken', [created], create(), ConflictError, undefined],
    ['a pipeline the account lacks', [], create(rule({ pipelineName: 'nope' })), NotFoundError, undefined],
    ['an unknown event type', [], create(rule({ eventTypeIds: ['codepipeline-pipeline-pipeline-execution-exploded'] })), ValidationError, 'rule.eventTypeIds[0]'],
    ['no event type', [], create(rule({ eventTypeIds: [] })), ValidationError, 'rule.eventTypeIds'],
    ['no target', [], create(rule({ targets: [] })), ValidationError, 'rule.targets'],
    ['a webhook without a secret', [], create(rule({ targets: [{ type: 'Webhook', address: 'https://h.example.test/' }] })), ValidationError, 'rule.targets[0].secret'],
    ['a short secret', [], create(rule({ targets: [{ type: 'Webhook', address: 'https://h.example.test/', secret: 'short' }] })), ValidationError, 'rule.targets[0].secret'],
    ['a Slack target with a secret', [], create(rule({ targets: [{ type: 'Slack', address: 'https://h.example.test/', secret: 'a-secret-of-at-least-16' }] })), ValidationError, 'rule.targets[0].secret'],
    ['a URL that is not http(s)', [], create(rule({ targets: [{ type: 'Slack', address: 'file:///etc/passwd' }] })), ValidationError, 'rule.targets[0].address'],
    ['a URL with credentials', [], create(rule({ targets: [{ type: 'Slack', address: 'https://u:p@h.example.test/' }] })), ValidationError, 'rule.targets[0].address'],
    ['an email address with a header injection', [], create(rule({ targets: [{ type: 'Email', address: 'a@b.test\r\nBcc: c@d.test' }] })), ValidationError, 'rule.targets[0].address'],
    ['an unknown target type', [], create(rule({ targets: [{ type: 'SNS', address: 'arn:aws:sns:x' }] })), ValidationError, 'rule.targets[0].type'],
    ['an unknown member', [], create(rule({ detailType: 'FULL' })), ValidationError, 'rule.detailType'],
    ['a bad status', [], create(rule({ status: 'ON' })), ValidationError, 'rule.status'],
    ['deleting a rule that does not exist', [], remove, NotFoundError, undefined],
    ['deleting one twice', [created, deleted], remove, NotFoundError, undefined],
  ];
  it.each(refused)('refuses %s', (_title, history, command, errorClass, path) =>
    given(history)
      .when(command)
      .thenThrows(errorClass, (error) => {
        if (path !== undefined) expect((error as ValidationError).issues.map((issue) => issue.path)).toContain(path);
      }),
  );

  it('never records a secret in clear', () => {
    const events = notificationRuleDecider.decide(create(), notificationRuleDecider.initialState, { pipeline: () => ({}) as PipelineDeclaration });
    expect(JSON.stringify(events)).not.toContain('a-secret-of-at-least-16');
  });
});
