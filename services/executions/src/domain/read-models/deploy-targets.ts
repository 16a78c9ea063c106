import type { ActionExecutionDetail, ActionExecutionStatus } from './action-executions';

/** CodePipeline's DeployActionExecutionTarget: where one deploy action execution put its artifact. */
export interface DeployTarget {
  targetId: string;
  targetType: string;
  status: ActionExecutionStatus;
  startTime: string;
  /** Absent while the deploy runs. */
  endTime: string | null;
}

/**
 * The targets of a deploy action execution, by what its provider deploys to. Sluice/Deploy/Directory copies its input
 * artifact into one directory of the worker (its resolved `Path`); the other deploy providers (Commands, custom ones)
 * name no target Sluice knows, so they have none, as CodePipeline's deploy actions other than EC2 have none.
 */
export function deployTargetsOf(detail: ActionExecutionDetail): DeployTarget[] {
  const { actionTypeId, resolvedConfiguration } = detail.input;
  if (actionTypeId.category !== 'Deploy') return [];
  if (actionTypeId.owner === 'Sluice' && actionTypeId.provider === 'Directory' && resolvedConfiguration.Path !== undefined) {
    return [
      {
        targetId: resolvedConfiguration.Path,
        targetType: 'Directory',
        status: detail.status,
        startTime: detail.startTime,
        endTime: detail.status === 'InProgress' ? null : detail.lastUpdateTime,
      },
    ];
  }
  return [];
}
