// Trends of a pipeline over its last runs (issue 22): per pipeline and per stage, the duration's p50 and p95 and
// the failure rate, from the finished executions and their action attempts.
import type { ActionExecutionDetail, ExecutionSummary } from './api';

export interface RunPoint {
  pipelineExecutionId: string;
  startTime: string;
  durationMs: number;
  failed: boolean;
}

export interface Trend {
  name: string;
  /** Oldest first, for a chart read left to right. */
  runs: RunPoint[];
  p50: number | undefined;
  p95: number | undefined;
  /** Failed runs / runs, 0..1; undefined with no run. */
  failureRate: number | undefined;
}

const FINISHED_OK = new Set(['Succeeded']);
const FINISHED_BAD = new Set(['Failed']);

/** The nearest-rank percentile (p in 0..100) of the values; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function trendOf(name: string, runs: RunPoint[]): Trend {
  const durations = runs.map((r) => r.durationMs);
  return {
    name,
    runs,
    p50: percentile(durations, 50),
    p95: percentile(durations, 95),
    failureRate: runs.length === 0 ? undefined : runs.filter((r) => r.failed).length / runs.length,
  };
}

/**
 * The pipeline's trend over its finished (succeeded or failed) executions, and each stage's: a stage's run is its
 * attempts in one execution, from the first start to the last end; it failed when its latest attempt of an action did.
 */
export function trendsOf(stageNames: readonly string[], executions: readonly ExecutionSummary[], details: readonly ActionExecutionDetail[]): { pipeline: Trend; stages: Trend[] } {
  const finished = executions.filter((e) => FINISHED_OK.has(e.status) || FINISHED_BAD.has(e.status)).sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime));
  const pipeline = trendOf(
    'pipeline',
    finished.map((e) => ({ pipelineExecutionId: e.pipelineExecutionId, startTime: e.startTime, durationMs: Date.parse(e.lastUpdateTime) - Date.parse(e.startTime), failed: FINISHED_BAD.has(e.status) })),
  );
  const stages = stageNames.map((stageName) => {
    const runs: RunPoint[] = [];
    for (const execution of finished) {
      const attempts = details.filter((d) => d.pipelineExecutionId === execution.pipelineExecutionId && d.stageName === stageName && d.status !== 'InProgress');
      if (attempts.length === 0) continue;
      const start = Math.min(...attempts.map((a) => Date.parse(a.startTime)));
      const end = Math.max(...attempts.map((a) => Date.parse(a.startTime) + (a.durationMs ?? Date.parse(a.lastUpdateTime) - Date.parse(a.startTime))));
      const latest = new Map<string, ActionExecutionDetail>();
      for (const a of attempts) if ((latest.get(a.actionName)?.attempt ?? 0) < a.attempt) latest.set(a.actionName, a);
      runs.push({ pipelineExecutionId: execution.pipelineExecutionId, startTime: execution.startTime, durationMs: end - start, failed: [...latest.values()].some((a) => a.status === 'Failed') });
    }
    return trendOf(stageName, runs);
  });
  return { pipeline, stages };
}
