// A pipeline's environments, deployments, delivery metrics and the account's freezes (issue 21, decision 0053): the
// queries the environments page asks, and the pure helpers it draws with.
import { request } from './graphql';

export interface DeploymentRevision {
  actionName: string;
  revisionId: string;
  revisionSummary: string | null;
  revisionUrl: string | null;
}

export interface Deployment {
  environment: string;
  pipelineExecutionId: string;
  pipelineVersion: number;
  executionType: string;
  stageName: string;
  actionName: string;
  actionExecutionId: string;
  status: string;
  sourceRevisions: DeploymentRevision[];
  approvals: Array<{ stageName: string; actionName: string; approvedBy: string; summary: string; at: string }>;
  startTime: string;
  endTime: string | null;
  failure: string | null;
}

export interface Environment {
  name: string;
  current: Deployment | null;
  latest: Deployment;
  deployments: number;
}

const DEPLOYMENT_FIELDS =
  'environment pipelineExecutionId pipelineVersion executionType stageName actionName actionExecutionId status sourceRevisions { actionName revisionId revisionSummary revisionUrl } approvals { stageName actionName approvedBy summary at } startTime endTime failure';

export async function listEnvironments(pipelineName: string): Promise<Environment[]> {
  const data = await request<{ listEnvironments: Environment[] }>(
    `query Environments($p: String!) { listEnvironments(pipelineName: $p) { name deployments current { ${DEPLOYMENT_FIELDS} } latest { ${DEPLOYMENT_FIELDS} } } }`,
    { p: pipelineName },
  );
  return data.listEnvironments;
}

export async function listDeploymentsPage(
  pipelineName: string,
  environment: string | null,
  first: number,
  after: string | null,
): Promise<{ deployments: Deployment[]; hasNextPage: boolean; endCursor: string | null }> {
  const data = await request<{ listDeployments: { nodes: Deployment[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
    `query Deployments($p: String!, $e: String, $first: Int, $after: String) {
      listDeployments(pipelineName: $p, environment: $e, first: $first, after: $after) { nodes { ${DEPLOYMENT_FIELDS} } pageInfo { hasNextPage endCursor } } }`,
    { p: pipelineName, e: environment, first, after },
  );
  const page = data.listDeployments;
  return { deployments: page.nodes, hasNextPage: page.pageInfo.hasNextPage, endCursor: page.pageInfo.endCursor };
}

export async function listUnpromoted(pipelineName: string, from: string, to: string): Promise<Deployment[]> {
  const data = await request<{ listUnpromoted: Deployment[] }>(`query Unpromoted($p: String!, $f: String!, $t: String!) { listUnpromoted(pipelineName: $p, from: $f, to: $t) { ${DEPLOYMENT_FIELDS} } }`, {
    p: pipelineName,
    f: from,
    t: to,
  });
  return data.listUnpromoted;
}

export interface DeliveryMetrics {
  environment: string;
  from: string;
  to: string;
  asOf: string;
  deploymentFrequency: { deployments: number; days: number; perDay: number; formula: string };
  leadTimeForChanges: { changes: number; medianSeconds: number | null; p90Seconds: number | null; formula: string };
  changeFailureRate: { deployments: number; failed: number; rate: number | null; formula: string };
  timeToRestore: { failures: number; restored: number; medianSeconds: number | null; formula: string };
  reworkRate: { deployments: number; rework: number; rate: number | null; formula: string };
}

const METRICS_FIELDS = `environment from to asOf
  deploymentFrequency { deployments days perDay formula }
  leadTimeForChanges { changes medianSeconds p90Seconds formula }
  changeFailureRate { deployments failed rate formula }
  timeToRestore { failures restored medianSeconds formula }
  reworkRate { deployments rework rate formula }`;

/** A period `[from, to)` as known at `asOf`, all ISO-8601. */
export interface Period {
  from: string;
  to: string;
  asOf: string;
}

/**
 * The metrics of the whole period and of each of its `buckets` equal slices (oldest first), for the charts: one
 * request of aliased `deliveryMetrics` fields, every figure the server's.
 */
export async function loadDeliveryMetrics(pipelineName: string, environment: string, period: Period, buckets: number): Promise<{ total: DeliveryMetrics; slices: DeliveryMetrics[] }> {
  const slices = slicesOf(period, buckets);
  const all = [period, ...slices];
  const query = `query Metrics($p: String!, $e: String!, ${all.map((_, i) => `$f${i}: String!, $t${i}: String!`).join(', ')}, $asOf: String!) { ${all
    .map((_, i) => `m${i}: deliveryMetrics(pipelineName: $p, environment: $e, from: $f${i}, to: $t${i}, asOf: $asOf) { ${METRICS_FIELDS} }`)
    .join(' ')} }`;
  const variables: Record<string, unknown> = { p: pipelineName, e: environment, asOf: period.asOf };
  all.forEach((slice, i) => {
    variables[`f${i}`] = slice.from;
    variables[`t${i}`] = slice.to;
  });
  const data = await request<Record<string, DeliveryMetrics | null>>(query, variables);
  const answer = (i: number): DeliveryMetrics => {
    const metrics = data[`m${i}`];
    if (!metrics) throw new Error('the delivery metrics were not answered');
    return metrics;
  };
  return { total: answer(0), slices: slices.map((_, i) => answer(i + 1)) };
}

/** `period` cut into `count` equal consecutive slices, oldest first (the last ends at the period's end). */
export function slicesOf(period: Period, count: number): Period[] {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  const step = (to - from) / count;
  return Array.from({ length: count }, (_, i) => ({
    from: new Date(Math.round(from + i * step)).toISOString(),
    to: i === count - 1 ? period.to : new Date(Math.round(from + (i + 1) * step)).toISOString(),
    asOf: period.asOf,
  }));
}

/** The last `days` days up to `asOf` (now when absent), as the server's defaults would make it. */
export function periodOf(days: number, asOf: Date): Period {
  const to = asOf.toISOString();
  return { from: new Date(asOf.getTime() - days * 86_400_000).toISOString(), to, asOf: to };
}

/** One of the five figures, read the same way for the cards and the charts. */
export interface MetricFigure {
  key: 'deploymentFrequency' | 'leadTimeForChanges' | 'changeFailureRate' | 'timeToRestore' | 'reworkRate';
  title: string;
  /** The number charted: per day, seconds or a rate (0..1); null when there is nothing to measure. */
  value: (metrics: DeliveryMetrics) => number | null;
  /** The figure as a person reads it. */
  text: (metrics: DeliveryMetrics) => string;
  /** What it was counted from. */
  basis: (metrics: DeliveryMetrics) => string;
  formula: (metrics: DeliveryMetrics) => string;
}

/** "2.5 h", "3 d": a duration in seconds as the metrics show it. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 90) return `${round(seconds)} s`;
  if (seconds < 90 * 60) return `${round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${round(seconds / 3600)} h`;
  return `${round(seconds / 86_400)} d`;
}

/** Two significant digits under 10 a day (1 deploy in 30 days is 0.033, not 0). */
const perDay = (value: number) => (value === 0 || value >= 10 ? String(Math.round(value)) : String(Number(value.toPrecision(2))));
const round = (value: number) => (value >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10));
const percent = (rate: number | null) => (rate === null ? '–' : `${Math.round(rate * 1000) / 10}%`);

export const METRIC_FIGURES: readonly MetricFigure[] = [
  {
    key: 'deploymentFrequency',
    title: 'Deployment frequency',
    value: (m) => m.deploymentFrequency.perDay,
    text: (m) => `${perDay(m.deploymentFrequency.perDay)} / day`,
    basis: (m) => `${m.deploymentFrequency.deployments} deployments in ${round(m.deploymentFrequency.days)} days`,
    formula: (m) => m.deploymentFrequency.formula,
  },
  {
    key: 'leadTimeForChanges',
    title: 'Lead time for changes',
    value: (m) => m.leadTimeForChanges.medianSeconds,
    text: (m) => `${formatSeconds(m.leadTimeForChanges.medianSeconds)} median`,
    basis: (m) => `${m.leadTimeForChanges.changes} changes; p90 ${formatSeconds(m.leadTimeForChanges.p90Seconds)}`,
    formula: (m) => m.leadTimeForChanges.formula,
  },
  {
    key: 'changeFailureRate',
    title: 'Change failure rate',
    value: (m) => m.changeFailureRate.rate,
    text: (m) => percent(m.changeFailureRate.rate),
    basis: (m) => `${m.changeFailureRate.failed} of ${m.changeFailureRate.deployments} deployments`,
    formula: (m) => m.changeFailureRate.formula,
  },
  {
    key: 'timeToRestore',
    title: 'Time to restore',
    value: (m) => m.timeToRestore.medianSeconds,
    text: (m) => `${formatSeconds(m.timeToRestore.medianSeconds)} median`,
    basis: (m) => `${m.timeToRestore.restored} of ${m.timeToRestore.failures} failures restored`,
    formula: (m) => m.timeToRestore.formula,
  },
  {
    key: 'reworkRate',
    title: 'Rework rate',
    value: (m) => m.reworkRate.rate,
    text: (m) => percent(m.reworkRate.rate),
    basis: (m) => `${m.reworkRate.rework} of ${m.reworkRate.deployments} deployments`,
    formula: (m) => m.reworkRate.formula,
  },
];

export interface EnvironmentFreeze {
  freezeId: string;
  environment: string;
  startsAt: string;
  endsAt: string;
  reason: string;
  scheduledBy: string;
  scheduledAt: string;
  liftedBy: string | null;
  liftedAt: string | null;
}

const FREEZE_FIELDS = 'freezeId environment startsAt endsAt reason scheduledBy scheduledAt liftedBy liftedAt';

export async function listEnvironmentFreezes(): Promise<EnvironmentFreeze[]> {
  return (await request<{ listEnvironmentFreezes: EnvironmentFreeze[] }>(`query Freezes { listEnvironmentFreezes { ${FREEZE_FIELDS} } }`)).listEnvironmentFreezes;
}

export async function scheduleEnvironmentFreeze(input: { environment: string; startsAt: string | null; endsAt: string; reason: string }): Promise<EnvironmentFreeze> {
  const data = await request<{ scheduleEnvironmentFreeze: EnvironmentFreeze }>(
    `mutation Freeze($e: String!, $s: String, $t: String!, $r: String!) { scheduleEnvironmentFreeze(environment: $e, startsAt: $s, endsAt: $t, reason: $r) { ${FREEZE_FIELDS} } }`,
    { e: input.environment, s: input.startsAt, t: input.endsAt, r: input.reason },
  );
  return data.scheduleEnvironmentFreeze;
}

export async function liftEnvironmentFreeze(freezeId: string): Promise<EnvironmentFreeze> {
  return (await request<{ liftEnvironmentFreeze: EnvironmentFreeze }>(`mutation Lift($id: ID!) { liftEnvironmentFreeze(freezeId: $id) { ${FREEZE_FIELDS} } }`, { id: freezeId })).liftEnvironmentFreeze;
}

/** Whether a freeze holds at `now`: started, not ended, not lifted. */
export function freezeState(freeze: EnvironmentFreeze, now: number): 'on' | 'scheduled' | 'over' {
  if (freeze.liftedAt !== null || Date.parse(freeze.endsAt) <= now) return 'over';
  return Date.parse(freeze.startsAt) <= now ? 'on' : 'scheduled';
}

/** A `datetime-local` input's value (local time, no zone) as an ISO-8601 instant; undefined when blank or not a time. */
export function instantOfLocal(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/** Whether an execution event ended something a deployment is made of (the page reloads on those only). */
export const endsADeployment = (eventType: string): boolean => /^(ActionExecution|StageExecution|PipelineExecution)(Succeeded|Failed|Abandoned|Stopped|Superseded)$/.test(eventType);
