import { assertNever, redactUrlCredentialsIn } from '@sluice/domain';
import type { ExecutionEvent, SourceRevision } from '@sluice/contracts';

/** One run of a Deploy action that names its environment (issue 21): what went where, when, approved by whom. */
export interface Deployment {
  environment: string;
  pipelineName: string;
  pipelineExecutionId: string;
  pipelineVersion: number;
  /** STANDARD, or ROLLBACK / RERUN for an execution that re-ran one stage with an earlier execution's inputs. */
  executionType: 'STANDARD' | 'ROLLBACK' | 'RERUN';
  stageName: string;
  actionName: string;
  actionExecutionId: string;
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Abandoned';
  /** The execution's source revisions when the deploy started: what the environment runs once it succeeded. */
  sourceRevisions: SourceRevision[];
  /** When each revision was authored, where its source said (a Git source's `AuthorDate`): the start of a change's lead time. */
  revisionTimes: RevisionTime[];
  /** The manual approvals the execution passed before this deploy, oldest first. */
  approvals: DeploymentApproval[];
  startTime: string;
  /** When it succeeded, failed or was abandoned; null while it runs. */
  endTime: string | null;
  /** Why it failed (null otherwise). */
  failure: string | null;
}

export interface RevisionTime {
  actionName: string;
  revisionId: string;
  authoredAt: string;
}

export interface DeploymentApproval {
  stageName: string;
  actionName: string;
  approvedBy: string;
  summary: string;
  at: string;
}

/** Per execution: what its deploy actions did to their environments. Null for an execution that deploys to none. */
export interface ExecutionDeploymentsView {
  pipelineName: string;
  pipelineExecutionId: string;
  pipelineVersion: number;
  executionType: Deployment['executionType'];
  /** `stage/action` → environment, from the definition the execution runs. */
  environments: Record<string, string>;
  revisions: Record<string, SourceRevision>;
  revisionTimes: Record<string, RevisionTime>;
  approvals: DeploymentApproval[];
  deployments: Deployment[];
}

const actionKey = (stageName: string, actionName: string): string => `${stageName}/${actionName}`;

/** Folds one execution's stream into its deployments; an execution whose definition names no environment stays null. */
export function evolveExecutionDeployments(view: ExecutionDeploymentsView | null, event: ExecutionEvent): ExecutionDeploymentsView | null {
  if (event.type === 'PipelineExecutionStarted') {
    const { inputs, executionId } = event.data;
    const environments: Record<string, string> = {};
    for (const stage of inputs.definition.declaration.stages) {
      for (const action of stage.actions) if (action.environment !== undefined) environments[actionKey(stage.name, action.name)] = action.environment;
    }
    if (Object.keys(environments).length === 0) return null;
    const scope = inputs.scope;
    return {
      pipelineName: inputs.pipeline.name,
      pipelineExecutionId: executionId,
      pipelineVersion: inputs.definition.version,
      executionType: scope.kind === 'AllStages' ? 'STANDARD' : scope.reason === 'Rollback' ? 'ROLLBACK' : 'RERUN',
      environments,
      revisions: Object.fromEntries(inputs.sourceRevisions.map((revision) => [revision.actionName, revision])),
      revisionTimes: {},
      approvals: [],
      deployments: [],
    };
  }
  if (view === null) return null;
  switch (event.type) {
    case 'ActionExecutionStarted': {
      const { stageName, actionName, actionExecutionId, startedAt } = event.data;
      const environment = view.environments[actionKey(stageName, actionName)];
      if (environment === undefined) return view;
      const deployment: Deployment = {
        environment,
        pipelineName: view.pipelineName,
        pipelineExecutionId: view.pipelineExecutionId,
        pipelineVersion: view.pipelineVersion,
        executionType: view.executionType,
        stageName,
        actionName,
        actionExecutionId,
        status: 'InProgress',
        sourceRevisions: Object.values(view.revisions),
        revisionTimes: Object.values(view.revisionTimes).filter((time) => view.revisions[time.actionName]?.revisionId === time.revisionId),
        approvals: view.approvals,
        startTime: startedAt,
        endTime: null,
        failure: null,
      };
      return { ...view, deployments: [...view.deployments, redactUrlCredentialsIn(deployment)] };
    }
    case 'ActionExecutionSucceeded': {
      const { sourceRevision, actionName, actionExecutionId, finishedAt, outputVariables } = event.data;
      if (!sourceRevision) return ended(view, actionExecutionId, { status: 'Succeeded', endTime: finishedAt });
      const authoredAt = outputVariables['AuthorDate'];
      const revisionTimes =
        authoredAt !== undefined && !Number.isNaN(Date.parse(authoredAt))
          ? { ...view.revisionTimes, [actionName]: { actionName, revisionId: sourceRevision.revisionId, authoredAt: new Date(authoredAt).toISOString() } }
          : view.revisionTimes;
      return ended({ ...view, revisions: { ...view.revisions, [actionName]: sourceRevision }, revisionTimes }, actionExecutionId, { status: 'Succeeded', endTime: finishedAt });
    }
    case 'ActionExecutionFailed':
      return ended(view, event.data.actionExecutionId, { status: 'Failed', endTime: event.data.finishedAt, failure: `${event.data.errorType}: ${event.data.message}` });
    case 'ActionExecutionAbandoned':
      return ended(view, event.data.actionExecutionId, { status: 'Abandoned', endTime: event.data.at });
    case 'ApprovalResultRecorded': {
      const { stageName, actionName, status, approvedBy, summary, at } = event.data;
      if (status !== 'Approved') return view;
      return { ...view, approvals: [...view.approvals, { stageName, actionName, approvedBy, summary, at }] };
    }
    case 'StageExecutionStarted':
    case 'StageConditionCheckStarted':
    case 'StageConditionEvaluated':
    case 'StageConditionOverridden':
    case 'ActionJobContinued':
    case 'StageExecutionSucceeded':
    case 'StageExecutionFailed':
    case 'StageExecutionSkipped':
    case 'StageExecutionStopped':
    case 'StageRetryRequested':
    case 'StageRollbackRequested':
    case 'StageRollbackStarted':
    case 'PipelineExecutionStopping':
    case 'PipelineExecutionStopped':
    case 'PipelineExecutionSucceeded':
    case 'PipelineExecutionFailed':
    case 'PipelineExecutionSuperseded':
      return view;
    default:
      return assertNever(event);
  }
}

function ended(view: ExecutionDeploymentsView, actionExecutionId: string, change: Pick<Deployment, 'status' | 'endTime'> & { failure?: string }): ExecutionDeploymentsView {
  if (!view.deployments.some((d) => d.actionExecutionId === actionExecutionId)) return view;
  return { ...view, deployments: view.deployments.map((d) => (d.actionExecutionId === actionExecutionId ? redactUrlCredentialsIn({ ...d, ...change, failure: change.failure ?? null }) : d)) };
}

/** One environment of a pipeline: what runs there now (its last successful deployment) and its last attempt. */
export interface EnvironmentState {
  name: string;
  current: Deployment | null;
  latest: Deployment;
  deployments: number;
}

/** Deployments of a pipeline's executions (each execution's, in start order), newest first by start time. */
export function newestFirst(deployments: readonly Deployment[]): Deployment[] {
  return [...deployments].sort((a, b) => (a.startTime === b.startTime ? 0 : a.startTime < b.startTime ? 1 : -1));
}

/** Each environment the deployments name, in the order it was first deployed to. */
export function environmentStates(deployments: readonly Deployment[]): EnvironmentState[] {
  const byName = new Map<string, Deployment[]>();
  for (const deployment of [...deployments].sort((a, b) => (a.startTime < b.startTime ? -1 : a.startTime > b.startTime ? 1 : 0))) {
    byName.set(deployment.environment, [...(byName.get(deployment.environment) ?? []), deployment]);
  }
  return [...byName].map(([name, list]) => {
    const succeeded = list.filter((d) => d.status === 'Succeeded').sort((a, b) => (a.endTime! < b.endTime! ? -1 : a.endTime! > b.endTime! ? 1 : 0));
    return { name, current: succeeded.at(-1) ?? null, latest: list.at(-1)!, deployments: list.length };
  });
}

const revisionsKey = (revisions: readonly SourceRevision[]): string =>
  [...revisions]
    .sort((a, b) => (a.actionName < b.actionName ? -1 : 1))
    .map((r) => `${r.actionName}=${r.revisionId}`)
    .join(',');

/**
 * What went to `from` and not yet to `to` (e.g. staging and prod): the successful deployments to `from` after the last
 * one of the revisions `to` runs now, newest first, one per set of revisions, leaving out any `to` has ever run. All of
 * `from`'s (but those) when `to` runs nothing yet or what it runs never went through `from`.
 */
export function unpromoted(deployments: readonly Deployment[], from: string, to: string): Deployment[] {
  const succeeded = (environment: string) =>
    deployments.filter((d) => d.environment === environment && d.status === 'Succeeded').sort((a, b) => (a.endTime! < b.endTime! ? -1 : a.endTime! > b.endTime! ? 1 : 0));
  const source = succeeded(from);
  const target = succeeded(to);
  const current = target.at(-1);
  const after = current ? source.map((d) => revisionsKey(d.sourceRevisions)).lastIndexOf(revisionsKey(current.sourceRevisions)) + 1 : 0;
  const seen = new Set(target.map((d) => revisionsKey(d.sourceRevisions)));
  const waiting: Deployment[] = [];
  for (const deployment of source.slice(after).reverse()) {
    const key = revisionsKey(deployment.sourceRevisions);
    if (seen.has(key)) continue;
    seen.add(key);
    waiting.push(deployment);
  }
  return waiting;
}
