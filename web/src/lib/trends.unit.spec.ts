import { describe, expect, it } from '@jest/globals';
import type { ActionExecutionDetail, ExecutionSummary } from './api';
import { percentile, trendsOf } from './trends';

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const execution = (id: string, status: string, start: number, end: number): ExecutionSummary => ({
  pipelineExecutionId: id,
  status,
  statusSummary: null,
  startTime: t(start),
  lastUpdateTime: t(end),
  trigger: { triggerType: 'StartPipelineExecution', triggerDetail: '' },
  executionType: 'STANDARD',
  sourceRevisions: [],
});
const attempt = (id: string, stageName: string, actionName: string, status: string, start: number, ms: number, n = 1): ActionExecutionDetail => ({
  pipelineExecutionId: id,
  actionExecutionId: `${id}/${stageName}/${actionName}/${n}`,
  stageName,
  actionName,
  attempt: n,
  runOrder: 1,
  status,
  startTime: t(start),
  lastUpdateTime: t(start + ms / 1000),
  durationMs: ms,
  updatedBy: null,
  output: { executionResult: { externalExecutionSummary: null, errorDetails: null } },
});

describe('trends', () => {
  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([5], 95)).toBe(5);
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile(Array.from({ length: 20 }, (_, i) => i + 1), 95)).toBe(19);
  });

  it('measures the finished runs of the pipeline and of each stage, oldest first; a retried stage failed only if its last attempt did', () => {
    const executions = [execution('c', 'InProgress', 30, 31), execution('b', 'Failed', 10, 14), execution('a', 'Succeeded', 0, 8)];
    const details = [
      attempt('a', 'Build', 'Compile', 'Failed', 1, 1000),
      attempt('a', 'Build', 'Compile', 'Succeeded', 3, 2000, 2),
      attempt('a', 'Deploy', 'Release', 'Succeeded', 6, 1500),
      attempt('b', 'Build', 'Compile', 'Failed', 11, 3000),
      attempt('c', 'Build', 'Compile', 'InProgress', 30, 0),
    ];
    const { pipeline, stages } = trendsOf(['Build', 'Deploy'], executions, details);
    expect(pipeline.runs.map((r) => [r.pipelineExecutionId, r.durationMs, r.failed])).toEqual([['a', 8000, false], ['b', 4000, true]]);
    expect([pipeline.p50, pipeline.p95, pipeline.failureRate]).toEqual([4000, 8000, 0.5]);
    expect(stages[0]!.runs.map((r) => [r.pipelineExecutionId, r.durationMs, r.failed])).toEqual([['a', 4000, false], ['b', 3000, true]]);
    expect(stages[1]).toMatchObject({ name: 'Deploy', p50: 1500, p95: 1500, failureRate: 0 });
  });
});
