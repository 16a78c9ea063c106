import { validatePolicyDocument } from '@sluice/authz';
import { closestMatch, IssueCollector, quote, ValidationError } from '@sluice/domain';
import { type AttachedPolicy, MANAGED_POLICY_NAMES, type ManagedPolicyName } from './attached-policy';
import { checkName } from './identity-names';

/** What attachPolicy receives: a managed policy by name, or an inline document with its name. */
export interface AttachPolicyInput {
  managedPolicy?: string | null;
  /** Approver's scope: a pipeline, optionally a stage and an action in it. */
  approverScope?: { pipeline: string; stage?: string | null; action?: string | null } | null;
  policyName?: string | null;
  document?: unknown;
}

/**
 * The policy to attach, or a ValidationError naming each problem: argument names for the arguments,
 * the document's own JSON paths (`$.Statement[0].Effect`) for an inline document.
 */
export function attachedPolicyFrom(input: AttachPolicyInput): AttachedPolicy {
  const issues = new IssueCollector();
  const managed = input.managedPolicy ?? undefined;
  const inline = input.document !== undefined && input.document !== null;
  if ((managed === undefined) === !inline) {
    issues.add('managedPolicy', 'one_of', 'Give either managedPolicy (ReadOnly, Operator, Approver, Admin) or policyName and document (an inline policy), not both or neither.');
    throw new ValidationError(issues.issues, 'The policy to attach is not valid');
  }
  if (managed !== undefined) {
    if (!(MANAGED_POLICY_NAMES as readonly string[]).includes(managed)) {
      const suggestion = closestMatch(managed, MANAGED_POLICY_NAMES);
      issues.add('managedPolicy', 'unknown_managed_policy', `${quote(managed)} is not a managed policy (${MANAGED_POLICY_NAMES.join(', ')}).` + (suggestion ? ` Did you mean ${quote(suggestion)}?` : ''));
    }
    const scope = input.approverScope ?? undefined;
    if (managed === 'Approver' && !scope) issues.add('approverScope', 'required', 'The Approver policy needs approverScope: the pipeline (and optionally stage and action) it approves at.');
    if (managed !== 'Approver' && scope) issues.add('approverScope', 'not_allowed', 'approverScope is only for the Approver policy.');
    if (scope?.action && !scope.stage) issues.add('approverScope.stage', 'required', 'An approver scope with an action names its stage too.');
    if (issues.count > 0) throw new ValidationError(issues.issues, 'The policy to attach is not valid');
    if (managed === 'Approver') return { type: 'managed', name: 'Approver', pipeline: scope!.pipeline, stage: scope!.stage ?? null, action: scope!.action ?? null };
    return { type: 'managed', name: managed as Exclude<ManagedPolicyName, 'Approver'> };
  }
  const name = input.policyName ?? undefined;
  if (name === undefined) issues.add('policyName', 'required', 'An inline policy needs a policyName.');
  else if (checkName(name, 'The policy name', 'policyName', issues) && (MANAGED_POLICY_NAMES as readonly string[]).includes(name)) {
    issues.add('policyName', 'reserved_name', `${quote(name)} is the name of a managed policy; give the inline policy another name.`);
  }
  const validation = validatePolicyDocument(input.document);
  if (!validation.valid) issues.addAll(validation.issues);
  if (issues.count > 0 || !validation.valid) throw new ValidationError(issues.issues, 'The policy to attach is not valid');
  return { type: 'inline', name: name!, document: validation.policy };
}
