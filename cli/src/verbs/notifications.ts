import type { Verb } from '../verb';

// Notification rules (decision 0044, docs/notifications.md): managed at the pipeline they watch.
const RULE_FIELDS = 'name pipelineName eventTypeIds targets { type address secretSet } status pipelineArn created createdBy';
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
    name: 'list-notification-rules',
    summary: 'Lists a pipeline’s notification rules (a webhook target’s secret is never shown).',
    parameters: [{ name: 'pipelineName', type: 'string', required: true, description: 'The pipeline.' }],
    examples: ['sluice list-notification-rules --pipeline-name web'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ notificationRules: unknown[] }>(`query($p: String!) { notificationRules(pipelineName: $p) { ${RULE_FIELDS} } }`, { p: input['pipelineName'] });
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
