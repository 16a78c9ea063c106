import { readPipelineInvocation, type ActionDeclaration, type PipelineInvocation } from '@sluice/domain';
import { resolveText, type UnresolvedReference, type VariableScope } from './variable-resolution';

export type ResolvedInvocation =
  | { kind: 'Resolved'; invocation: PipelineInvocation; configuration: Record<string, string> }
  | { kind: 'Unresolved'; unresolved: UnresolvedReference[] }
  | { kind: 'Invalid'; message: string };

/**
 * An Invoke/Sluice/Pipeline action's configuration at start: its JSON read as written, then each variable value and
 * revision resolved on its own, so a value is data in its field (decision 0052). The resolved configuration recorded
 * is the JSON of what the engine will pass.
 */
export function resolveInvocation(action: ActionDeclaration, scope: VariableScope): ResolvedInvocation {
  const unresolved: UnresolvedReference[] = [];
  const reading = readPipelineInvocation(action.configuration ?? {}, (value) => {
    const resolution = resolveText(value, 'configuration', scope);
    if (resolution.resolved) return resolution.value;
    unresolved.push(...resolution.unresolved);
    return value;
  });
  if (!reading.ok) return { kind: 'Invalid', message: `Invalid configuration: ${reading.issues.map((issue) => `${issue.key} ${issue.message}`).join(' ')}` };
  if (unresolved.length > 0) return { kind: 'Unresolved', unresolved };
  const { invocation } = reading;
  return {
    kind: 'Resolved',
    invocation,
    configuration: {
      PipelineName: invocation.pipelineName,
      ...(invocation.variables.length > 0 ? { Variables: JSON.stringify(invocation.variables) } : {}),
      ...(invocation.sourceRevisions.length > 0 ? { SourceRevisions: JSON.stringify(invocation.sourceRevisions) } : {}),
      WaitForResult: String(invocation.waitForResult),
    },
  };
}
