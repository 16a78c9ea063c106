import type { Verb } from '../verb';

// Retention of execution history and logs (docs/retention.md, docs/decisions/0056).
const SETTINGS_FIELDS = 'retentionDays isDefault setBy setAt';

export const retentionVerbs: Verb[] = [
  {
    name: 'get-retention-settings',
    summary: 'How long the account keeps its execution history and action logs (365 days unless set).',
    parameters: [],
    examples: ['sluice get-retention-settings'],
    async run(_input, { gateway }) {
      const data = await gateway.request<{ getRetentionSettings: unknown }>(`query { getRetentionSettings { ${SETTINGS_FIELDS} } }`);
      return { retentionSettings: data.getRetentionSettings };
    },
  },
  {
    name: 'put-retention-settings',
    summary: 'Sets how many days the account keeps executions after they end; the next sweep expires older ones (an account admin’s call).',
    parameters: [{ name: 'retentionDays', type: 'integer', required: true, description: 'Days, 1–3650.' }],
    examples: ['sluice put-retention-settings --retention-days 90'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ putRetentionSettings: unknown }>(`mutation($days: Int!) { putRetentionSettings(retentionDays: $days) { ${SETTINGS_FIELDS} } }`, { days: input['retentionDays'] });
      return { retentionSettings: data.putRetentionSettings };
    },
  },
  {
    name: 'run-retention-sweep',
    summary: 'Expires the account’s executions older than its retention period now (engine nodes also sweep every hour).',
    parameters: [],
    examples: ['sluice run-retention-sweep'],
    async run(_input, { gateway }) {
      const data = await gateway.request<{ runRetentionSweep: unknown }>(
        'mutation { runRetentionSweep { sweptAt expiredExecutions { pipelineExecutionId pipelineName endedAt retentionDays } logChunksDeleted logChunksLeftShared } }',
      );
      return data.runRetentionSweep;
    },
  },
];
