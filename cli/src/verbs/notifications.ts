import type { Verb } from '../verb';

// Notification rules (decision 0044, docs/notifications.md): managed at the pipeline they watch.
const RULE_FIELDS = 'name pipelineName eventTypeIds targets { type address secretSet } status pipelineArn created createdBy version updated updatedBy tags { key value }';
const RULE_ARGUMENTS = [
  { name: 'pipelineName', type: 'string', required: true, description: 'The pipeline the rule watches.' },
  { name: 'name', type: 'string', required: true, description: 'The rule.' },
] as const;
const DELIVERY_FIELDS = 'idempotencyKey ruleName targetIndex targetType eventTypeId executionId summary link status attempts lastError nextAttemptAt requestedAt updatedAt';

const RULE_SKELETON = {
  name: '',
  pipelineName: '',
  eventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed'],
  targets: [{ type: 'Webhook', address: 'https://', secret: '' }],
  status: 'ENABLED',
};

export const notificationVerbs: Verb[] = [
  {
    name: 'create-notification-rule',
    summary: 'Creates a notification rule on a pipeline: which event types go to which targets (Webhook, Slack, Email).',
    parameters: [{ name: 'rule', type: 'structure', required: true, description: 'The rule: JSON, or file://rule.json (docs/notifications.md).', skeleton: RULE_SKELETON }],
    examples: [
      'sluice create-notification-rule --rule file://rule.json',
      `sluice create-notification-rule --rule '{"name":"failures","pipelineName":"web","eventTypeIds":["codepipeline-pipeline-pipeline-execution-failed"],"targets":[{"type":"Email","address":"oncall@example.com"}]}'`,
    ],
    async run(input, { gateway }) {
      const data = await gateway.request<{ createNotificationRule: unknown }>(`mutation($rule: JSON!) { createNotificationRule(rule: $rule) { ${RULE_FIELDS} } }`, { rule: input['rule'] });
      return { rule: data.createNotificationRule };
    },
  },
  {
    name: 'update-notification-rule',
    summary: 'Changes a rule’s event types, targets or status (ENABLED/DISABLED) at the version you read; a stale version is a conflict.',
    parameters: [
      ...RULE_ARGUMENTS,
      { name: 'version', type: 'integer', required: true, description: 'The rule’s version you read (list-notification-rules): someone else’s change since then is a conflict.' },
      {
        name: 'changes',
        type: 'structure',
        required: true,
        description: 'What changes: { eventTypeIds?, targets?, status? }, JSON or file://changes.json. A Webhook target to the same address at the same index keeps its secret.',
        skeleton: { eventTypeIds: ['codepipeline-pipeline-pipeline-execution-failed'], targets: [{ type: 'Email', address: '' }], status: 'DISABLED' },
      },
    ],
    examples: [
      `sluice update-notification-rule --pipeline-name web --name failures --version 1 --changes '{"status":"DISABLED"}'`,
      'sluice update-notification-rule --pipeline-name web --name failures --version 3 --changes file://changes.json',
    ],
    async run(input, { gateway }) {
      const data = await gateway.request<{ updateNotificationRule: unknown }>(
        `mutation($p: String!, $n: String!, $v: Int!, $c: JSON!) { updateNotificationRule(pipelineName: $p, name: $n, version: $v, changes: $c) { ${RULE_FIELDS} } }`,
        { p: input['pipelineName'], n: input['name'], v: input['version'], c: input['changes'] },
      );
      return { rule: data.updateNotificationRule };
    },
  },
  {
    name: 'tag-notification-rule',
    summary: 'Sets tags on a notification rule (a key given again takes the new value).',
    parameters: [
      ...RULE_ARGUMENTS,
      { name: 'tags', type: 'list', required: true, description: 'Tags: key=team,value=web …', skeleton: [{ key: '', value: '' }] },
      { name: 'version', type: 'integer', description: 'Only if the rule is still at this version (else a conflict).' },
    ],
    examples: ['sluice tag-notification-rule --pipeline-name web --name failures --tags key=team,value=web key=severity,value=page'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ tagNotificationRule: unknown }>(
        `mutation($p: String!, $n: String!, $t: [TagInput!]!, $v: Int) { tagNotificationRule(pipelineName: $p, name: $n, tags: $t, version: $v) { ${RULE_FIELDS} } }`,
        { p: input['pipelineName'], n: input['name'], t: input['tags'], v: input['version'] ?? null },
      );
      return { rule: data.tagNotificationRule };
    },
  },
  {
    name: 'untag-notification-rule',
    summary: 'Removes tags from a notification rule by key (keys it does not have are ignored).',
    parameters: [
      ...RULE_ARGUMENTS,
      { name: 'tagKeys', type: 'list', required: true, description: 'Keys: team severity …' },
      { name: 'version', type: 'integer', description: 'Only if the rule is still at this version (else a conflict).' },
    ],
    examples: ['sluice untag-notification-rule --pipeline-name web --name failures --tag-keys severity'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ untagNotificationRule: unknown }>(
        `mutation($p: String!, $n: String!, $k: [String!]!, $v: Int) { untagNotificationRule(pipelineName: $p, name: $n, tagKeys: $k, version: $v) { ${RULE_FIELDS} } }`,
        { p: input['pipelineName'], n: input['name'], k: input['tagKeys'], v: input['version'] ?? null },
      );
      return { rule: data.untagNotificationRule };
    },
  },
  {
    name: 'list-notification-rules',
    summary: 'Lists a pipeline’s notification rules, or those with a tag (a webhook target’s secret is never shown).',
    parameters: [
      { name: 'pipelineName', type: 'string', required: true, description: 'The pipeline.' },
      { name: 'tagKey', type: 'string', description: 'Only the rules with this tag.' },
      { name: 'tagValue', type: 'string', description: 'With --tag-key: only those whose tag has this value.' },
    ],
    examples: ['sluice list-notification-rules --pipeline-name web', 'sluice list-notification-rules --pipeline-name web --tag-key team --tag-value web'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ notificationRules: unknown[] }>(`query($p: String!, $k: String, $v: String) { notificationRules(pipelineName: $p, tagKey: $k, tagValue: $v) { ${RULE_FIELDS} } }`, {
        p: input['pipelineName'],
        k: input['tagKey'] ?? null,
        v: input['tagValue'] ?? null,
      });
      return { rules: data.notificationRules };
    },
  },
  {
    name: 'delete-notification-rule',
    summary: 'Deletes a pipeline’s notification rule; notifications it still owed fail as deleted.',
    parameters: [
      { name: 'pipelineName', type: 'string', required: true, description: 'The pipeline the rule watches.' },
      { name: 'name', type: 'string', required: true, description: 'The rule.' },
    ],
    examples: ['sluice delete-notification-rule --pipeline-name web --name failures'],
    async run(input, { gateway }) {
      await gateway.request(`mutation($p: String!, $n: String!) { deleteNotificationRule(pipelineName: $p, name: $n) }`, { p: input['pipelineName'], n: input['name'] });
      return undefined;
    },
  },
  {
    name: 'list-notification-deliveries',
    summary: 'A pipeline’s notifications, newest first, with their attempts and last error: of one rule, in one status.',
    parameters: [
      { name: 'pipelineName', type: 'string', required: true, description: 'The pipeline.' },
      { name: 'ruleName', type: 'string', description: 'Only this rule’s.' },
      { name: 'status', type: 'string', description: 'Only deliveries in this status.', enum: ['Pending', 'InProgress', 'Retrying', 'Succeeded', 'Failed'] },
      { name: 'maxResults', type: 'integer', description: 'At most this many (1–200, default 50).' },
    ],
    examples: ['sluice list-notification-deliveries --pipeline-name web --status Failed', 'sluice list-notification-deliveries --pipeline-name web --rule-name failures --max-results 10'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ notificationDeliveries: unknown[] }>(
        `query($p: String!, $r: String, $s: NotificationDeliveryStatus, $f: Int) { notificationDeliveries(pipelineName: $p, ruleName: $r, status: $s, first: $f) { ${DELIVERY_FIELDS} } }`,
        { p: input['pipelineName'], r: input['ruleName'] ?? null, s: input['status'] ?? null, f: input['maxResults'] ?? null },
      );
      return { deliveries: data.notificationDeliveries };
    },
  },
];
