import {
  GraphQLError,
  Kind,
  getNamedType,
  getOperationAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values';
import { accountResourceName, authorize, authorizeEveryPipeline, authorizeOwnPolicies, findAction, resourceForAction, type Decision, type Principal, type RequestContext } from '@sluice/authz';
import { formatResourceName, parseResourceName } from '@sluice/domain';
import { badNameRefusal } from './bad-name-refusal';
import { nestedFieldUses, type NestedFieldUse } from './nested-field-rules';
import { operationRuleOf, resourceOfTarget, TargetArgumentError, type OperationRule, type RootOperation, type TargetLookup } from './operation-actions';

/** One root field of an operation, as authorized (and later audited). */
export interface FieldCall {
  /** The field's response key (its alias or name): errors of the field carry it as `path[0]`. */
  responseKey: string;
  field: string;
  /** The catalogue action, or `{Type}.{field}` for a field without a rule. */
  action: string;
  resource: string;
  args: Record<string, unknown>;
  /** Undefined when no policy was asked: a token alone is enough (whoami), or each event is authorized. */
  decision?: Decision;
  /** Set when the call may not run: FORBIDDEN, or BAD_USER_INPUT for arguments naming no resource. */
  refusal?: GraphQLError;
  readOnly: boolean;
}

export interface OperationAuthorization {
  operation: RootOperation;
  calls: FieldCall[];
  /** Every refusal, in field order; the operation runs only when empty. */
  refusals: GraphQLError[];
}

export interface AuthorizeOperationInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Readonly<Record<string, unknown>> | null;
  principal: Principal;
  lookup: Omit<TargetLookup, 'account'>;
  context: RequestContext;
}

const typeNames: Record<RootOperation, string> = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };

export function forbidden(action: string, resource: string, explanation: string): GraphQLError {
  return new GraphQLError(`Forbidden: ${action} on ${resource}: ${explanation}`, { extensions: { code: 'FORBIDDEN', action, resource } });
}

/** The root fields of the selection, through fragments (every branch: @skip/@include are not trusted to narrow). */
function rootFields(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, seen = new Set<string>()): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...rootFields(selection.selectionSet, fragments, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) fields.push(...rootFields(fragment.selectionSet, fragments, seen));
    }
  }
  return fields;
}

/**
 * The one authorization path: every root field of the operation against the operation table and the
 * principal's policies. Throws a GraphQLError (BAD_USER_INPUT) when the variables do not coerce.
 */
export async function authorizeOperation(input: AuthorizeOperationInput): Promise<OperationAuthorization> {
  const definition = getOperationAST(input.document, input.operationName ?? undefined);
  if (!definition) throw new GraphQLError('The document names no operation to run (or several without an operationName).', { extensions: { code: 'BAD_USER_INPUT' } });
  const operation = definition.operation as RootOperation;
  const rootType = input.schema.getRootType(definition.operation) as GraphQLObjectType | null | undefined;
  if (!rootType) throw new GraphQLError(`The schema has no ${operation} type.`, { extensions: { code: 'BAD_USER_INPUT' } });
  const coerced = getVariableValues(input.schema, definition.variableDefinitions ?? [], { ...(input.variableValues ?? {}) });
  if (coerced.errors) throw new GraphQLError(coerced.errors.map((e) => e.message).join('; '), { extensions: { code: 'BAD_USER_INPUT' } });

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const node of input.document.definitions) if (node.kind === Kind.FRAGMENT_DEFINITION) fragments.set(node.name.value, node);
  const lookup: TargetLookup = { account: input.principal.account, ...input.lookup };
  const calls: FieldCall[] = [];
  const seenKeys = new Set<string>();
  for (const node of rootFields(definition.selectionSet, fragments)) {
    const field = node.name.value;
    const responseKey = node.alias?.value ?? field;
    // Introspection needs a valid token, nothing more; a key met twice (merged selections) is one call.
    if (field.startsWith('__') || seenKeys.has(responseKey)) continue;
    seenKeys.add(responseKey);
    const fieldDefinition = rootType.getFields()[field];
    const args = fieldDefinition ? getArgumentValues(fieldDefinition, node, coerced.coerced) : {};
    const call = await authorizeField({ operation, field, responseKey, args, principal: input.principal, lookup, context: input.context });
    if (!call.refusal && fieldDefinition) {
      const refusal = authorizeNestedFields(nestedFieldUses(input.schema, getNamedType(fieldDefinition.type), node, fragments), call, input.principal, input.context);
      if (refusal) call.refusal = refusal;
    }
    calls.push(call);
  }
  return { operation, calls, refusals: calls.flatMap((call) => (call.refusal ? [call.refusal] : [])) };
}

/**
 * The fields below a root field that read a pipeline's resource (`NESTED_FIELD_RULES`): on the root's
 * pipeline when it names one, else on every pipeline of the account. The first refusal, or none.
 */
function authorizeNestedFields(uses: NestedFieldUse[], call: FieldCall, principal: Principal, context: RequestContext): GraphQLError | undefined {
  if (uses.length === 0) return undefined;
  const parsed = parseResourceName(call.resource);
  const pipeline = parsed.ok && parsed.name.pipeline !== undefined ? formatResourceName({ account: parsed.name.account, pipeline: parsed.name.pipeline }) : undefined;
  for (const use of uses) {
    if (pipeline) {
      const decision = authorize({ principal, action: use.action, resource: pipeline, context });
      if (!decision.allowed) return forbidden(use.action, pipeline, `${call.field} selects ${use.path}: ${decision.explanation}`);
    } else {
      const account = parsed.ok ? parsed.name.account : principal.account;
      const decision = authorizeEveryPipeline(principal, use.action, account);
      if (!decision.allowed) return forbidden(use.action, `${accountResourceName(account)}*`, `${call.field} selects ${use.path} of every pipeline it lists: ${decision.explanation}`);
    }
  }
  return undefined;
}

async function authorizeField(request: {
  operation: RootOperation;
  field: string;
  responseKey: string;
  args: Record<string, unknown>;
  principal: Principal;
  lookup: TargetLookup;
  context: RequestContext;
}): Promise<FieldCall> {
  const { operation, field, responseKey, args, principal, lookup } = request;
  const accountResource = accountResourceName(principal.account);
  const rule = operationRuleOf(operation, field);
  if (!rule) {
    const action = `${typeNames[operation]}.${field}`;
    return { responseKey, field, action, resource: accountResource, args, readOnly: false, refusal: forbidden(action, accountResource, 'the gateway has no authorization rule for this field, so nobody may call it') };
  }
  const readOnly = findAction(rule.action)?.readOnly ?? false;
  if (rule.authenticatedOnly || rule.readablePipelinesOnly) return { responseKey, field, action: rule.action, resource: accountResource, args, readOnly };
  if (rule.targets) return authorizeEveryTarget(rule, request, readOnly);
  let target;
  try {
    target = rule.target ? await rule.target(args, lookup) : { account: lookup.account };
  } catch (error) {
    if (!(error instanceof TargetArgumentError)) throw error;
    const refusal = new GraphQLError(`${field}(${error.message})`, { extensions: { code: 'BAD_USER_INPUT', issues: [{ path: error.path, code: 'invalid_argument', message: error.message }] } });
    return { responseKey, field, action: rule.action, resource: accountResource, args, readOnly, refusal };
  }
  let resource: string;
  try {
    // A subscription to all of the account's pipelines: each event is authorized on its own pipeline.
    if (rule.perEventFilter && target.pipeline === undefined) return { responseKey, field, action: rule.action, resource: accountResourceName(target.account), args, readOnly };
    resource = resourceOfTarget(rule.action, target);
  } catch (error) {
    // A name no resource can have ("a b", "a/b", 101 characters): the caller's input, refused and audited as such.
    const refusal = badNameRefusal(field, error, args, target);
    if (!refusal) throw error;
    return { responseKey, field, action: rule.action, resource: accountResource, args, readOnly, refusal };
  }
  const decision = (rule.ownPoliciesOnly ? authorizeOwnPolicies : authorize)({ principal, action: rule.action, resource, context: request.context });
  const call: FieldCall = { responseKey, field, action: rule.action, resource, args, decision, readOnly };
  if (!decision.allowed) call.refusal = forbidden(rule.action, resource, decision.explanation);
  else if (rule.alsoRequires) {
    // Recorded under the right that refused, so the audit trail says which secret the caller may not use.
    for (const { action, target: also } of rule.alsoRequires(args, lookup)) {
      const alsoResource = resourceForAction(action, also);
      const alsoDecision = authorize({ principal, action, resource: alsoResource, context: request.context });
      if (!alsoDecision.allowed) return { responseKey, field, action, resource: alsoResource, args, decision: alsoDecision, readOnly, refusal: forbidden(action, alsoResource, alsoDecision.explanation) };
    }
  }
  return call;
}

/**
 * A field acting on several resources (`targets`): allowed only when the principal may act on each; refused naming
 * the first resource it may not. Recorded at the first resource when allowed.
 */
function authorizeEveryTarget(rule: OperationRule, request: Parameters<typeof authorizeField>[0], readOnly: boolean): FieldCall {
  const { field, responseKey, args, principal, lookup } = request;
  const accountResource = accountResourceName(principal.account);
  let resources: string[];
  try {
    resources = rule.targets!(args, lookup).map((target) => resourceOfTarget(rule.action, target));
  } catch (error) {
    if (!(error instanceof TargetArgumentError)) throw error;
    const refusal = new GraphQLError(`${field}(${error.message})`, { extensions: { code: 'BAD_USER_INPUT', issues: [{ path: error.path, code: 'invalid_argument', message: error.message }] } });
    return { responseKey, field, action: rule.action, resource: accountResource, args, readOnly, refusal };
  }
  let first: FieldCall | undefined;
  for (const resource of resources) {
    const decision = authorize({ principal, action: rule.action, resource, context: request.context });
    if (!decision.allowed) return { responseKey, field, action: rule.action, resource, args, decision, readOnly, refusal: forbidden(rule.action, resource, decision.explanation) };
    first ??= { responseKey, field, action: rule.action, resource, args, decision, readOnly };
  }
  return first!;
}
