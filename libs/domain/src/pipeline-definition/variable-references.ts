import { closestMatch } from '../validation/closest-match';
import { quote } from '../validation/describe-value';
import type { IssueCollector } from '../validation/issue-collector';
import { describeAction, runsBefore, type ActionFacts, type StageFacts, type VariableReference } from './pipeline-facts';

/** Namespace of pipeline-level variables: `#{variables.NAME}`. */
export const PIPELINE_VARIABLES_NAMESPACE = 'variables';
/** Namespace of the run's own variables: `#{codepipeline.PipelineExecutionId}`. */
export const CODEPIPELINE_NAMESPACE = 'codepipeline';
export const CODEPIPELINE_VARIABLES = ['PipelineExecutionId'] as const;
/** Namespace of the account's secrets: `#{secrets.NAME}`, resolved only when a job is handed to a worker (decision 0043). */
export const SECRETS_REFERENCE_NAMESPACE = 'secrets';
export const RESERVED_NAMESPACES = [PIPELINE_VARIABLES_NAMESPACE, CODEPIPELINE_NAMESPACE, SECRETS_REFERENCE_NAMESPACE] as const;

const REFERENCE = /#\{([A-Za-z0-9@_-]+)\.([A-Za-z0-9@_.-]+)\}/g;

/** Every `#{namespace.variable}` in a text. Text like `#{x}` without a dot is not a reference and is left alone. */
export function findVariableReferences(text: string, path: string): VariableReference[] {
  return [...text.matchAll(REFERENCE)].map((match) => ({
    text: match[0],
    namespace: match[1]!,
    variable: match[2]!,
    path,
  }));
}

export interface ReferenceScope {
  stages: readonly StageFacts[];
  allActions: readonly ActionFacts[];
  pipelineVariables: ReadonlySet<string>;
  /** Whether an action's namespace is already filled when the reference is resolved. */
  isAvailable: (producer: ActionFacts) => boolean;
  /** Wording of where the reference is, for messages: "this action", "this condition". */
  referrer: string;
  /** Actions may reference secrets (checked against the account's secrets by the pipelines service); conditions may not. */
  allowsSecrets?: boolean;
}

export function checkVariableReferences(
  references: readonly VariableReference[],
  scope: ReferenceScope,
  issues: IssueCollector,
): void {
  for (const reference of references) {
    switch (reference.namespace) {
      case PIPELINE_VARIABLES_NAMESPACE:
        checkPipelineVariable(reference, scope, issues);
        break;
      case CODEPIPELINE_NAMESPACE:
        checkCodePipelineVariable(reference, issues);
        break;
      case SECRETS_REFERENCE_NAMESPACE:
        if (!scope.allowsSecrets) {
          issues.add(reference.path, 'secret_not_allowed_here', `${quote(reference.text)}: secrets can be referenced only in an action (its configuration, commands or environment variables), not in ${scope.referrer}.`);
        }
        break;
      default:
        checkActionNamespace(reference, scope, issues);
    }
  }
}

function checkPipelineVariable(reference: VariableReference, scope: ReferenceScope, issues: IssueCollector): void {
  if (scope.pipelineVariables.has(reference.variable)) return;
  const suggestion = closestMatch(reference.variable, [...scope.pipelineVariables]);
  issues.add(
    reference.path,
    'unknown_pipeline_variable',
    `${quote(reference.text)} refers to the pipeline variable ${quote(reference.variable)}, which is not declared in "variables".` +
      (suggestion ? ` Did you mean ${quote(suggestion)}?` : ''),
  );
}

function checkCodePipelineVariable(reference: VariableReference, issues: IssueCollector): void {
  if ((CODEPIPELINE_VARIABLES as readonly string[]).includes(reference.variable)) return;
  issues.add(
    reference.path,
    'unknown_codepipeline_variable',
    `${quote(reference.text)} is not a variable of the "codepipeline" namespace; it has only ${CODEPIPELINE_VARIABLES.map((name) => quote(name)).join(', ')}.`,
  );
}

function checkActionNamespace(reference: VariableReference, scope: ReferenceScope, issues: IssueCollector): void {
  const producers = scope.allActions.filter((action) => action.namespace?.name === reference.namespace);
  if (producers.length === 0) {
    const known = scope.allActions.flatMap((action) => (action.namespace ? [action.namespace.name] : []));
    const suggestion = closestMatch(reference.namespace, [...known, ...RESERVED_NAMESPACES]);
    issues.add(
      reference.path,
      'unknown_variable_namespace',
      `${quote(reference.text)} refers to the namespace ${quote(reference.namespace)}, which no action declares.` +
        (suggestion ? ` Did you mean ${quote(suggestion)}?` : ''),
    );
    return;
  }
  if (producers.some(scope.isAvailable)) return;
  const producer = producers[0]!;
  issues.add(
    reference.path,
    'variable_namespace_not_yet_available',
    `${quote(reference.text)} refers to the namespace ${quote(reference.namespace)} of ${describeAction(producer, scope.stages)}, ` +
      `which does not finish before ${scope.referrer} runs; only actions of earlier stages, or of the same stage with a lower runOrder, can be referenced.`,
  );
}

/** Scope for an action's own references: namespaces of the actions that finish before it starts. */
export function actionReferenceScope(
  action: ActionFacts,
  stages: readonly StageFacts[],
  allActions: readonly ActionFacts[],
  pipelineVariables: ReadonlySet<string>,
): ReferenceScope {
  return {
    stages,
    allActions,
    pipelineVariables,
    isAvailable: (producer) => runsBefore(producer, action),
    referrer: 'this action',
    allowsSecrets: true,
  };
}
