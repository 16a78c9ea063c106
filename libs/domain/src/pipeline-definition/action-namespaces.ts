import { quote } from '../validation/describe-value';
import type { IssueCollector } from '../validation/issue-collector';
import { describeAction, type StageFacts } from './pipeline-facts';

/** A namespace names one action's variables, so two actions cannot share it. */
export function checkNamespacesUnique(stages: readonly StageFacts[], issues: IssueCollector): void {
  const owners = new Map<string, StageFacts['actions'][number]>();
  for (const action of stages.flatMap((stage) => stage.actions)) {
    if (!action.namespace) continue;
    const owner = owners.get(action.namespace.name);
    if (owner) {
      issues.add(
        action.namespace.path,
        'duplicate_namespace',
        `The namespace ${quote(action.namespace.name)} is already used by ${describeAction(owner, stages)}; namespaces must be unique in the pipeline.`,
      );
      continue;
    }
    owners.set(action.namespace.name, action);
  }
}
