import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/**
 * Fields below the root that reach a resource of their own: the pipeline an answer holds, read with an
 * action the root field's does not imply. A root field is authorized on its arguments; these are
 * authorized on the pipeline they belong to — the root's pipeline when it names one, else every pipeline
 * of the account (`listPipelines { … state }`). `null` marks a field that is part of the summary the root
 * field's own action already shows (a pipeline's name and metadata in a listing, as in CodePipeline's
 * ListPipelines). `nested-field-rules.unit.spec.ts` composes the shipped schemas and fails on any field
 * of an entity (a type with `@key`) that is neither here nor a key.
 */
export const NESTED_FIELD_RULES: Readonly<Record<string, Readonly<Record<string, string | null>>>> = {
  Pipeline: {
    state: 'sluice:GetPipelineState',
    pipeline: 'sluice:GetPipeline',
    transitions: 'sluice:GetPipeline',
    tags: 'sluice:ListTagsForResource',
    metadata: null,
  },
};

export interface NestedFieldUse {
  /** `Pipeline.state` */
  path: string;
  action: string;
}

/** The nested fields with a rule that the selection of one root field reaches, each once, through fragments. */
export function nestedFieldUses(schema: GraphQLSchema, rootReturnType: GraphQLNamedType, root: FieldNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): NestedFieldUse[] {
  const uses = new Map<string, NestedFieldUse>();
  const walk = (type: GraphQLNamedType, selectionSet: SelectionSetNode | undefined, seenFragments: Set<string>): void => {
    if (!selectionSet) return;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (condition) walk(condition, selection.selectionSet, seenFragments);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || seenFragments.has(name)) continue;
        const condition = schema.getType(fragment.typeCondition.name.value);
        if (condition) walk(condition, fragment.selectionSet, new Set([...seenFragments, name]));
        continue;
      }
      const field = selection.name.value;
      const action = NESTED_FIELD_RULES[type.name]?.[field];
      if (action) uses.set(`${type.name}.${field}`, { path: `${type.name}.${field}`, action });
      if (!isObjectType(type) && !isInterfaceType(type)) continue;
      const definition = type.getFields()[field];
      if (definition) walk(getNamedType(definition.type), selection.selectionSet, seenFragments);
    }
  };
  walk(rootReturnType, root.selectionSet, new Set());
  return [...uses.values()];
}
