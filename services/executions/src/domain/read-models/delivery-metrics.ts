import type { Deployment } from './deployments';

/**
 * DORA's delivery metrics of one environment of a pipeline (issue 21), exact from its deployments, for a period and as
 * of an instant. Each figure carries its formula, so whoever reads the number reads what was counted.
 */
export interface DeliveryMetrics {
  environment: string;
  /** The period [from, to): deployments that ended in it are counted. */
  from: string;
  to: string;
  /** What was known then: a deploy that had not ended by `asOf` is in progress, a later rollback has not happened. */
  asOf: string;
  deploymentFrequency: { deployments: number; days: number; perDay: number; formula: string };
  leadTimeForChanges: { changes: number; medianSeconds: number | null; p90Seconds: number | null; formula: string };
  changeFailureRate: { deployments: number; failed: number; rate: number | null; formula: string };
  timeToRestore: { failures: number; restored: number; medianSeconds: number | null; formula: string };
  reworkRate: { deployments: number; rework: number; rate: number | null; formula: string };
}

export const METRIC_FORMULAS = {
  deploymentFrequency: 'successful deployments (not rollbacks) that ended in the period ÷ days in the period',
  leadTimeForChanges: 'for each revision a successful deployment (not a rollback) in the period brought to the environment for the first time: deployment end − revision authored (a Git source’s AuthorDate); median and 90th percentile',
  changeFailureRate: 'deployments (not rollbacks) that ended in the period and failed, or succeeded and were then rolled back while live ÷ those deployments',
  timeToRestore: 'for each failed deployment of the period: the next successful deployment’s end (a rollback counts) − the failure (the failed deploy’s end, or the rollback’s start); median over those restored by as-of',
  reworkRate: 'successful deployments of the period (rollbacks included) that restored a failed deployment ÷ all successful deployments of the period',
} as const;

type Known = Deployment & { known: 'Succeeded' | 'Failed' | 'InProgress' | 'Abandoned' };

const seconds = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 1000;
const byTime = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The q-quantile (nearest rank) of values, null when there are none. */
function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Median: the middle value, or the mean of the two middle ones. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

export function deliveryMetrics(all: readonly Deployment[], environment: string, period: { from: string; to: string; asOf: string }): DeliveryMetrics {
  const { from, to, asOf } = period;
  const inPeriod = (at: string | null): at is string => at !== null && at >= from && at < to;
  // The deployments known at asOf, each with its status then.
  const known: Known[] = all
    .filter((d) => d.environment === environment && d.startTime <= asOf)
    .map((d) => ({ ...d, known: d.endTime !== null && d.endTime <= asOf ? d.status : 'InProgress' }) as Known)
    .sort((a, b) => byTime(a.startTime, b.startTime));
  const succeeded = known.filter((d) => d.known === 'Succeeded').sort((a, b) => byTime(a.endTime!, b.endTime!));
  const releases = succeeded.filter((d) => d.executionType !== 'ROLLBACK');
  const rollbacks = known.filter((d) => d.executionType === 'ROLLBACK');

  // Frequency.
  const counted = releases.filter((d) => inPeriod(d.endTime));
  const days = seconds(from, to) / 86_400;

  // Lead time: each revision the first time it reached the environment.
  const leadTimes: number[] = [];
  const reached = new Set<string>();
  for (const deployment of succeeded) {
    const fresh = deployment.revisionTimes.filter((time) => !reached.has(`${time.actionName}=${time.revisionId}`));
    for (const revision of deployment.sourceRevisions) reached.add(`${revision.actionName}=${revision.revisionId}`);
    if (deployment.executionType === 'ROLLBACK' || !inPeriod(deployment.endTime)) continue;
    for (const time of fresh) leadTimes.push(seconds(time.authoredAt, deployment.endTime!));
  }

  // Failures: a failed deploy, or a successful one rolled back while it was the live one.
  const attempts = known.filter((d) => d.executionType !== 'ROLLBACK' && (d.known === 'Succeeded' || d.known === 'Failed') && inPeriod(d.endTime));
  const failures: Array<{ deployment: Known; failedAt: string }> = [];
  for (const deployment of attempts) {
    if (deployment.known === 'Failed') {
      failures.push({ deployment, failedAt: deployment.endTime! });
      continue;
    }
    const nextRelease = releases.find((d) => d.endTime! > deployment.endTime!);
    const rolledBack = rollbacks.find((r) => r.startTime > deployment.endTime! && (nextRelease === undefined || r.startTime < nextRelease.endTime!));
    if (rolledBack) failures.push({ deployment, failedAt: rolledBack.startTime });
  }

  // Restore: the next successful deployment after the failure (a rollback counts).
  const restoreTimes: number[] = [];
  const restoring = new Set<string>();
  for (const failure of failures) {
    const restore = succeeded.find((d) => d.endTime! > failure.failedAt && d.actionExecutionId !== failure.deployment.actionExecutionId);
    if (!restore) continue;
    restoreTimes.push(seconds(failure.failedAt, restore.endTime!));
    restoring.add(restore.actionExecutionId);
  }
  const successfulInPeriod = succeeded.filter((d) => inPeriod(d.endTime));
  const rework = successfulInPeriod.filter((d) => restoring.has(d.actionExecutionId)).length;

  return {
    environment,
    from,
    to,
    asOf,
    deploymentFrequency: { deployments: counted.length, days, perDay: days > 0 ? counted.length / days : 0, formula: METRIC_FORMULAS.deploymentFrequency },
    leadTimeForChanges: { changes: leadTimes.length, medianSeconds: median(leadTimes), p90Seconds: quantile(leadTimes, 0.9), formula: METRIC_FORMULAS.leadTimeForChanges },
    changeFailureRate: { deployments: attempts.length, failed: failures.length, rate: ratio(failures.length, attempts.length), formula: METRIC_FORMULAS.changeFailureRate },
    timeToRestore: { failures: failures.length, restored: restoreTimes.length, medianSeconds: median(restoreTimes), formula: METRIC_FORMULAS.timeToRestore },
    reworkRate: { deployments: successfulInPeriod.length, rework, rate: ratio(rework, successfulInPeriod.length), formula: METRIC_FORMULAS.reworkRate },
  };
}
