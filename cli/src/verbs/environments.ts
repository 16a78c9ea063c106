import { nextTokenOf, pageVariables, pagingParameters, type PageInfo } from '../paging';
import type { Verb } from '../verb';

// Environments (issue 21): a Deploy action that names its `environment` records each of its runs as a deployment.
const DEPLOYMENT_FIELDS = `environment pipelineName pipelineExecutionId pipelineVersion executionType stageName actionName actionExecutionId status
  sourceRevisions { actionName revisionType revisionId revisionSummary revisionUrl }
  revisionTimes { actionName revisionId authoredAt } approvals { stageName actionName approvedBy summary at } startTime endTime failure`;

const FREEZE_FIELDS = 'freezeId environment startsAt endsAt reason scheduledBy scheduledAt liftedBy liftedAt';

const pipelineName = { name: 'pipelineName', type: 'string', required: true, description: 'The pipeline.' } as const;

export const environmentVerbs: Verb[] = [
  {
    name: 'list-environments',
    summary: 'What runs in each environment the pipeline deploys to: its current deployment (revisions, approvers) and its last attempt.',
    parameters: [pipelineName],
    examples: ['sluice list-environments --pipeline-name web', 'sluice list-environments --pipeline-name web --query "environments[].[name,current.sourceRevisions[0].revisionId]" --output text'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ listEnvironments: unknown[] }>(
        `query($pipelineName: String!) { listEnvironments(pipelineName: $pipelineName) { name deployments current { ${DEPLOYMENT_FIELDS} } latest { ${DEPLOYMENT_FIELDS} } } }`,
        { pipelineName: input['pipelineName'] },
      );
      return { environments: data.listEnvironments };
    },
  },
  {
    name: 'list-deployments',
    summary: 'The pipeline’s deployments, newest first: to one environment with --environment.',
    parameters: [pipelineName, { name: 'environment', type: 'string', description: 'Only the deployments to this environment.' }, ...pagingParameters()],
    paginated: { items: 'deployments' },
    examples: ['sluice list-deployments --pipeline-name web --environment prod'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ listDeployments: { nodes: unknown[]; pageInfo: PageInfo } }>(
        `query($pipelineName: String!, $environment: String, $first: Int, $after: String) {
          listDeployments(pipelineName: $pipelineName, environment: $environment, first: $first, after: $after) { nodes { ${DEPLOYMENT_FIELDS} } pageInfo { hasNextPage endCursor } }
        }`,
        { pipelineName: input['pipelineName'], environment: input['environment'] ?? null, ...pageVariables(input) },
      );
      return { deployments: data.listDeployments.nodes, ...nextTokenOf(data.listDeployments.pageInfo) };
    },
  },
  {
    name: 'list-unpromoted',
    summary: 'What went to one environment and not yet to the next (e.g. from staging to prod), newest first, one per set of revisions.',
    parameters: [
      pipelineName,
      { name: 'from', type: 'string', required: true, description: 'The environment changes are promoted from, e.g. staging.' },
      { name: 'to', type: 'string', required: true, description: 'The environment they are promoted to, e.g. prod.' },
    ],
    examples: ['sluice list-unpromoted --pipeline-name web --from staging --to prod'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ listUnpromoted: unknown[] }>(
        `query($pipelineName: String!, $from: String!, $to: String!) { listUnpromoted(pipelineName: $pipelineName, from: $from, to: $to) { ${DEPLOYMENT_FIELDS} } }`,
        { pipelineName: input['pipelineName'], from: input['from'], to: input['to'] },
      );
      return { deployments: data.listUnpromoted };
    },
  },
  {
    name: 'metrics',
    summary: 'DORA’s delivery metrics of one environment: deployment frequency, lead time, change failure rate, time to restore, rework rate, each with its formula.',
    parameters: [
      pipelineName,
      { name: 'environment', type: 'string', required: true, description: 'The environment, e.g. prod.' },
      { name: 'from', type: 'string', description: 'Start of the period (ISO-8601); default 30 days before --to.' },
      { name: 'to', type: 'string', description: 'End of the period, excluded (ISO-8601); default --as-of.' },
      { name: 'asOf', type: 'string', description: 'Count what was known at this instant (ISO-8601); default now.' },
    ],
    examples: ['sluice metrics --pipeline-name web --environment prod', 'sluice metrics --pipeline-name web --environment prod --from 2026-01-01T00:00:00Z --to 2026-02-01T00:00:00Z --query changeFailureRate.rate'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ deliveryMetrics: unknown }>(
        `query($pipelineName: String!, $environment: String!, $from: String, $to: String, $asOf: String) {
          deliveryMetrics(pipelineName: $pipelineName, environment: $environment, from: $from, to: $to, asOf: $asOf) {
            environment from to asOf
            deploymentFrequency { deployments days perDay formula }
            leadTimeForChanges { changes medianSeconds p90Seconds formula }
            changeFailureRate { deployments failed rate formula }
            timeToRestore { failures restored medianSeconds formula }
            reworkRate { deployments rework rate formula }
          }
        }`,
        { pipelineName: input['pipelineName'], environment: input['environment'], from: input['from'] ?? null, to: input['to'] ?? null, asOf: input['asOf'] ?? null },
      );
      return data.deliveryMetrics;
    },
  },
  {
    name: 'schedule-environment-freeze',
    summary: 'Freezes an environment of the account: no stage that deploys to it is entered until the end (rollbacks are), the reason shown to whoever it stops.',
    parameters: [
      { name: 'environment', type: 'string', required: true, description: 'The environment, e.g. prod.' },
      { name: 'endsAt', type: 'string', required: true, description: 'When the freeze ends (ISO-8601).' },
      { name: 'reason', type: 'string', required: true, description: 'Why: shown where the freeze stops a release.' },
      { name: 'startsAt', type: 'string', description: 'When it starts (ISO-8601); default now.' },
    ],
    examples: ['sluice schedule-environment-freeze --environment prod --starts-at 2026-12-24T00:00:00Z --ends-at 2026-12-27T00:00:00Z --reason "holidays"'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ scheduleEnvironmentFreeze: unknown }>(
        `mutation($environment: String!, $startsAt: String, $endsAt: String!, $reason: String!) {
          scheduleEnvironmentFreeze(environment: $environment, startsAt: $startsAt, endsAt: $endsAt, reason: $reason) { ${FREEZE_FIELDS} }
        }`,
        { environment: input['environment'], startsAt: input['startsAt'] ?? null, endsAt: input['endsAt'], reason: input['reason'] },
      );
      return { freeze: data.scheduleEnvironmentFreeze };
    },
  },
  {
    name: 'lift-environment-freeze',
    summary: 'Ends a freeze now.',
    parameters: [{ name: 'freezeId', type: 'string', required: true, description: 'The freeze (list-environment-freezes lists them).' }],
    examples: ['sluice lift-environment-freeze --freeze-id 6f0c…'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ liftEnvironmentFreeze: unknown }>(`mutation($freezeId: ID!) { liftEnvironmentFreeze(freezeId: $freezeId) { ${FREEZE_FIELDS} } }`, { freezeId: input['freezeId'] });
      return { freeze: data.liftEnvironmentFreeze };
    },
  },
  {
    name: 'list-environment-freezes',
    summary: 'The account’s environment freezes, the latest start first, past and lifted ones included.',
    parameters: [{ name: 'environment', type: 'string', description: 'Only this environment’s.' }],
    examples: ['sluice list-environment-freezes --environment prod'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ listEnvironmentFreezes: unknown[] }>(`query($environment: String) { listEnvironmentFreezes(environment: $environment) { ${FREEZE_FIELDS} } }`, { environment: input['environment'] ?? null });
      return { freezes: data.listEnvironmentFreezes };
    },
  },
];
