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

describe('updating a notification rule', () => {
  const update = (changes: unknown, version = 1, sealed = new Map<number, string>()): NotificationRuleCommand => ({ type: 'UpdateNotificationRule', name: 'on-failure', changes, version, sealedSecrets: sealed, metadata });
  const updated = (definition: Partial<Extract<NotificationRuleEvent, { type: 'NotificationRuleCreated' }>['data']['definition']>): NotificationRuleEvent => ({
    type: 'NotificationRuleUpdated',
    data: { definition: { ...(created as Extract<NotificationRuleEvent, { type: 'NotificationRuleCreated' }>).data.definition, ...definition }, ruleId: 'rule-2', at: metadata.now, by: 'alice' },
  });
  const tagged: NotificationRuleEvent = { type: 'NotificationRuleTagged', data: { ruleId: 'rule-2', tags: [{ key: 'team', value: 'web' }], at: metadata.now, by: 'alice' } };

  it('changes only what it names, keeping the webhook secret of an unchanged target', () =>
    given([created]).when(update({ status: 'DISABLED' })).then([updated({ status: 'DISABLED' })]));
  it('replaces the event types', () =>
    given([created]).when(update({ eventTypeIds: ['codepipeline-pipeline-pipeline-execution-succeeded'] })).then([updated({ eventTypeIds: ['codepipeline-pipeline-pipeline-execution-succeeded'] })]));
  it('keeps a webhook secret when the target at that index keeps its address', () =>
    given([created])
      .when(update({ targets: [{ type: 'Webhook', address: 'https://hooks.example.test/sluice' }, { type: 'Email', address: 'dev@example.test' }] }))
      .then([updated({ targets: [{ type: 'Webhook', address: 'https://hooks.example.test/sluice', sealedSecret: 'v1.sealed' }, { type: 'Email', address: 'dev@example.test' }] })]));
  it('takes a new sealed secret when one is given', () =>
    given([created])
      .when(update({ targets: [{ type: 'Webhook', address: 'https://hooks.example.test/sluice', secret: 'another-secret-of-16+' }] }, 1, new Map([[0, 'v2.sealed']])))
      .then([updated({ targets: [{ type: 'Webhook', address: 'https://hooks.example.test/sluice', sealedSecret: 'v2.sealed' }] })]));
  it('counts tags as a change of version', () => given([created, tagged]).when(update({ status: 'DISABLED' }, 2)).then([updated({ status: 'DISABLED' })]));
  it('tags and untags', () => {
    given([created]).when({ type: 'TagNotificationRule', name: 'on-failure', tags: [{ key: 'team', value: 'web' }], metadata }).then([tagged]);
    given([created, tagged])
      .when({ type: 'UntagNotificationRule', name: 'on-failure', tagKeys: ['team', 'absent'], metadata })
      .then([{ type: 'NotificationRuleUntagged', data: { ruleId: 'rule-2', tagKeys: ['team'], at: metadata.now, by: 'alice' } }]);
    given([created]).when({ type: 'UntagNotificationRule', name: 'on-failure', tagKeys: ['absent'], metadata }).thenNothingHappened();
  });

  const refused: Array<[string, NotificationRuleEvent[], NotificationRuleCommand, abstract new (...args: never[]) => Error, string | undefined]> = [
    ['a stale version', [created, tagged], update({ status: 'DISABLED' }, 1), ConflictError, undefined],
    ['a version from the future', [created], update({ status: 'DISABLED' }, 7), ConflictError, undefined],
    ['a stale version on tagging', [created, tagged], { type: 'TagNotificationRule', name: 'on-failure', tags: [{ key: 'a', value: 'b' }], version: 1, metadata }, ConflictError, undefined],
    ['a rule that does not exist', [], update({ status: 'DISABLED' }), NotFoundError, undefined],
    ['a deleted rule', [created, deleted], update({ status: 'DISABLED' }), NotFoundError, undefined],
    ['nothing to change', [created], update({}), ValidationError, 'changes'],
    ['a change of name', [created], update({ name: 'other' }), ValidationError, 'changes.name'],
    ['a bad status', [created], update({ status: 'OFF' }), ValidationError, 'changes.status'],
    ['an unknown event type', [created], update({ eventTypeIds: ['nope'] }), ValidationError, 'changes.eventTypeIds[0]'],
    ['a webhook to a new address without its secret', [created], update({ targets: [{ type: 'Webhook', address: 'https://elsewhere.example.test/' }] }), ValidationError, 'changes.targets[0].secret'],
    ['a webhook moved to another index without its secret', [created], update({ targets: [{ type: 'Email', address: 'a@b.test' }, { type: 'Webhook', address: 'https://hooks.example.test/sluice' }] }), ValidationError, 'changes.targets[1].secret'],
    ['a reserved tag key', [created], { type: 'TagNotificationRule', name: 'on-failure', tags: [{ key: 'aws:x', value: 'b' }], metadata }, ValidationError, 'tags[0].key'],
    ['no tag', [created], { type: 'TagNotificationRule', name: 'on-failure', tags: [], metadata }, ValidationError, 'tags'],
  ];
  it.each(refused)('refuses %s', (_title, history, command, errorClass, path) =>
    given(history)
      .when(command)
      .thenThrows(errorClass, (error) => {
        if (path !== undefined) expect((error as ValidationError).issues.map((issue) => issue.path)).toContain(path);
      }),
  );
});
