import { deliveryMetrics } from './delivery-metrics';
import type { Deployment } from './deployments';

// A synthetic history of one pipeline, every answer worked out by hand below (issue 21). Times are UTC, January 2026.
const at = (dayAndTime: string): string => `2026-01-${dayAndTime}:00.000Z`;
let sequence = 0;
function deployment(environment: string, executionType: Deployment['executionType'], revision: string, authored: string | null, start: string, end: string | null, status: Deployment['status']): Deployment {
  sequence += 1;
  return {
    environment,
    pipelineName: 'web',
    pipelineExecutionId: `e${sequence}`,
    pipelineVersion: 1,
    executionType,
    stageName: 'Deploy',
    actionName: 'Ship',
    actionExecutionId: `e${sequence}/Deploy/Ship/1`,
    status,
    sourceRevisions: [{ actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionId: revision, revisionSummary: null, revisionUrl: null }],
    revisionTimes: authored === null ? [] : [{ actionName: 'Checkout', revisionId: revision, authoredAt: authored }],
    approvals: [],
    startTime: start,
    endTime: end,
    failure: status === 'Failed' ? 'JobFailed: boom' : null,
  };
}

const history: Deployment[] = [
  // d1: c1 authored 22:00 the day before, live at 10:00 → lead 12 h.
  deployment('prod', 'STANDARD', 'c1', '2025-12-31T22:00:00.000Z', at('01T09:00'), at('01T10:00'), 'Succeeded'),
  // d2: c2 authored 08:00, live at 12:00 (lead 4 h), rolled back by r1 at 13:00.
  deployment('prod', 'STANDARD', 'c2', at('02T08:00'), at('02T11:00'), at('02T12:00'), 'Succeeded'),
  // r1: the rollback to c1, done at 13:30: restores d2 in 30 min, and is rework.
  deployment('prod', 'ROLLBACK', 'c1', '2025-12-31T22:00:00.000Z', at('02T13:00'), at('02T13:30'), 'Succeeded'),
  // d3: c3 fails at 09:10 on the 4th.
  deployment('prod', 'STANDARD', 'c3', at('03T00:00'), at('04T09:00'), at('04T09:10'), 'Failed'),
  // d4: c3 again, live at 10:40: restores d3 in 1 h 30 (rework); c3's lead is 34 h 40.
  deployment('prod', 'STANDARD', 'c3', at('03T00:00'), at('04T10:00'), at('04T10:40'), 'Succeeded'),
  // d5: ends after the period.
  deployment('prod', 'STANDARD', 'c4', at('10T20:00'), at('10T23:00'), at('11T01:00'), 'Succeeded'),
  // d6: still running as of the 20th.
  deployment('prod', 'STANDARD', 'c5', at('19T08:00'), at('19T10:00'), at('21T00:00'), 'Succeeded'),
  // Another environment: never counted for prod.
  deployment('staging', 'STANDARD', 'c9', at('05T00:00'), at('05T01:00'), at('05T02:00'), 'Failed'),
];

describe('delivery metrics of an environment', () => {
  it('answers each of DORA’s five metrics exactly, for a period, as the hand count says', () => {
    const metrics = deliveryMetrics(history, 'prod', { from: at('01T00:00'), to: at('11T00:00'), asOf: at('20T00:00') });
    // d1, d2, d4: rollbacks are not releases, d5 ended after the period.
    expect(metrics.deploymentFrequency).toMatchObject({ deployments: 3, days: 10, perDay: 0.3 });
    // c2 4 h, c1 12 h, c3 34 h 40 (first reached prod with d4; d3 failed).
    expect(metrics.leadTimeForChanges).toMatchObject({ changes: 3, medianSeconds: 12 * 3600, p90Seconds: 34 * 3600 + 40 * 60 });
    // d1, d2, d3, d4 ended in the period; d2 (rolled back) and d3 (failed) failed.
    expect(metrics.changeFailureRate).toMatchObject({ deployments: 4, failed: 2, rate: 0.5 });
    // 30 min and 1 h 30: median 1 h.
    expect(metrics.timeToRestore).toMatchObject({ failures: 2, restored: 2, medianSeconds: 3600 });
    // d1, d2, r1, d4 succeeded in the period; r1 and d4 restored a failure.
    expect(metrics.reworkRate).toMatchObject({ deployments: 4, rework: 2, rate: 0.5 });
    for (const metric of [metrics.deploymentFrequency, metrics.leadTimeForChanges, metrics.changeFailureRate, metrics.timeToRestore, metrics.reworkRate]) expect(metric.formula.length).toBeGreaterThan(20);
  });

  it('as of an instant, knows only what had happened then: during the rollback, d2 failed and nothing has restored it yet', () => {
    const metrics = deliveryMetrics(history, 'prod', { from: at('01T00:00'), to: at('11T00:00'), asOf: at('02T13:10') });
    expect(metrics.deploymentFrequency).toMatchObject({ deployments: 2 });
    expect(metrics.leadTimeForChanges).toMatchObject({ changes: 2, medianSeconds: 8 * 3600 });
    expect(metrics.changeFailureRate).toMatchObject({ deployments: 2, failed: 1, rate: 0.5 });
    expect(metrics.timeToRestore).toMatchObject({ failures: 1, restored: 0, medianSeconds: null });
    expect(metrics.reworkRate).toMatchObject({ deployments: 2, rework: 0, rate: 0 });
  });

  it('says null, not zero, for a rate with nothing to divide', () => {
    const metrics = deliveryMetrics(history, 'qa', { from: at('01T00:00'), to: at('11T00:00'), asOf: at('20T00:00') });
    expect(metrics.deploymentFrequency).toMatchObject({ deployments: 0, perDay: 0 });
    expect(metrics.changeFailureRate.rate).toBeNull();
    expect(metrics.leadTimeForChanges.medianSeconds).toBeNull();
    expect(metrics.reworkRate.rate).toBeNull();
  });
});
