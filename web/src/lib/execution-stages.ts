// The execution page's stages (issue 22, items 13-14): every stage and action of the definition the execution ran,
// with its attempts, also those it never reached; one duration per action (the engine's, start to finish).
import type { ActionDefinition, ActionExecutionDetail, PipelineDefinition } from './api';

export interface ActionRow {
  stageName: string;
  action: ActionDefinition;
  /** Its attempts in this execution, oldest first; empty when it did not run. */
  attempts: ActionExecutionDetail[];
}

export interface StageRow {
  stageName: string;
  /** The stage's status in the execution: its latest attempts' worst; None when nothing of it ran. */
  status: string;
  actions: ActionRow[];
}

const WORST_FIRST = ['Failed', 'Abandoned', 'InProgress', 'Stopping', 'Stopped'];

export function executionStages(definition: PipelineDefinition, details: readonly ActionExecutionDetail[]): StageRow[] {
  return definition.stages.map((stage) => {
    const actions = stage.actions.map((action) => ({
      stageName: stage.name,
      action,
      attempts: details.filter((d) => d.stageName === stage.name && d.actionName === action.name).sort((a, b) => a.attempt - b.attempt),
    }));
    const latest = actions.map((a) => a.attempts.at(-1)?.status).filter((s): s is string => s !== undefined);
    const status = latest.length === 0 ? 'None' : (WORST_FIRST.find((s) => latest.includes(s)) ?? (latest.length === stage.actions.length ? 'Succeeded' : 'InProgress'));
    return { stageName: stage.name, status, actions };
  });
}

/** An action's duration: the engine's (start to finish), or the time since it started while it runs. */
export function actionDurationMs(detail: ActionExecutionDetail, now: number): number {
  if (detail.durationMs !== null) return detail.durationMs;
  return (detail.status === 'InProgress' ? now : Date.parse(detail.lastUpdateTime)) - Date.parse(detail.startTime);
}

const ENDED = new Set(['Succeeded', 'Failed', 'Stopped', 'Superseded', 'Cancelled']);

/** When the execution ended (its last update, once it is in a final status), and how long it took or has taken so far. */
export function executionTiming(execution: { status: string; startTime: string; lastUpdateTime: string }, now: number): { endTime: string | undefined; totalMs: number } {
  const ended = ENDED.has(execution.status);
  const end = ended ? Date.parse(execution.lastUpdateTime) : now;
  return { endTime: ended ? execution.lastUpdateTime : undefined, totalMs: Math.max(0, end - Date.parse(execution.startTime)) };
}

/** Rollback re-runs a deployment with an earlier revision: not a source stage, not a stage of approvals only. */
export const mayRollBackStage = (actions: readonly ActionDefinition[]): boolean =>
  !actions.some((a) => a.actionTypeId.category === 'Source') && !actions.every((a) => a.actionTypeId.category === 'Approval');
