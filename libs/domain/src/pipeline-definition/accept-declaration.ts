import type { ActionTypeRegistry } from '../action-types/action-type-registry';
import { mapAwsOwnedActions } from '../aws/map-aws-owned-actions';
import { IssueCollector } from '../validation/issue-collector';
import type { ValidationIssue } from '../validation/validation-issue';
import type { PipelineDeclaration } from './pipeline-declaration';
import { validatePipelineDeclaration } from './validate-pipeline';

/**
 * A definition as a pipeline accepts it, or the issues that refuse it: AWS-owned actions are mapped to what runs
 * them (or refused), then the whole definition is validated against the account's action types. The pipelines
 * service decides with it; the dashboard runs it as the user types and `sluice execute` before it starts anything,
 * so all three say the same.
 */
export function acceptDeclaration(input: unknown, actionTypes: ActionTypeRegistry, issues: IssueCollector): { declaration: PipelineDeclaration; given?: Record<string, unknown> } | undefined {
  const mapping = mapAwsOwnedActions(input);
  if (mapping.kind === 'refused') {
    // Every issue at once: the rest of the definition is checked too, but for the types already refused.
    issues.addAll(mapping.issues);
    const refusedTypes = new Set(mapping.issues.map((issue) => issue.path));
    const rest = validatePipelineDeclaration(mapping.runnable, actionTypes);
    if (!rest.valid) issues.addAll(rest.issues.filter((issue) => !refusedTypes.has(issue.path) && ![...refusedTypes].some((path) => issue.path.startsWith(`${path}.`))));
    return undefined;
  }
  const result = validatePipelineDeclaration(mapping.kind === 'mapped' ? mapping.runnable : input, actionTypes);
  if (!result.valid) {
    issues.addAll(result.issues);
    return undefined;
  }
  return mapping.kind === 'mapped' ? { declaration: result.pipeline, given: input as Record<string, unknown> } : { declaration: result.pipeline };
}

/** Every issue `acceptDeclaration` reports for a definition, at its JSON path; none when it would be accepted. */
export function declarationIssues(input: unknown, actionTypes: ActionTypeRegistry): ValidationIssue[] {
  const issues = new IssueCollector();
  acceptDeclaration(input, actionTypes, issues);
  return issues.issues;
}
