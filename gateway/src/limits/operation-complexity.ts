import {
  GraphQLError,
  Kind,
  isObjectType,
  isInterfaceType,
  getNamedType,
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** What one GraphQL operation may ask of the gateway; each checked before validation, planning or any subgraph call. */
export interface GraphQLLimits {
  /** Nested selections, the root field being 1 (`{ a { b } }` is 2); introspection counts as its root field only. */
  maxDepth: number;
  /** Aliased fields in the document, and in each operation with its fragments expanded. */
  maxAliases: number;
  /** Fields of the root type in one operation, fragments expanded (each is an authorized, audited call). */
  maxRootFields: number;
  /** UTF-8 bytes of the query text, checked before it is parsed. */
  maxQueryBytes: number;
  /** Fields, each weighed by the page sizes (`first`, `limit`, …) of the fields above it. */
  maxCost: number;
}

export type GraphQLLimitName = keyof GraphQLLimits;

/** The variable each limit is set by (limits-config.ts), named in every refusal so an operator knows what to change. */
export const GRAPHQL_LIMIT_VARIABLES: Readonly<Record<GraphQLLimitName, string>> = {
  maxDepth: 'SLUICE_GRAPHQL_MAX_DEPTH',
  maxAliases: 'SLUICE_GRAPHQL_MAX_ALIASES',
  maxRootFields: 'SLUICE_GRAPHQL_MAX_ROOT_FIELDS',
  maxQueryBytes: 'SLUICE_GRAPHQL_MAX_QUERY_BYTES',
  maxCost: 'SLUICE_GRAPHQL_MAX_COST',
};

/** The error code of a refused operation: one 400 answer, before anything of it runs. */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/** Arguments that say how many items a field returns: what its selection costs is multiplied by them. */
export const PAGE_SIZE_ARGUMENTS: readonly string[] = ['first', 'last', 'limit', 'maxResults', 'maxBatchSize'];

export interface OperationMeasure {
  depth: number;
  aliases: number;
  rootFields: number;
  cost: number;
}

const WHAT: Readonly<Record<Exclude<GraphQLLimitName, 'maxQueryBytes'>, (n: number) => string>> = {
  maxDepth: (n) => `selections nested ${n} deep`,
  maxAliases: (n) => `${n} aliased fields`,
  maxRootFields: (n) => `${n} root fields`,
  maxCost: (n) => `a cost of ${n} (fields × page sizes)`,
};

function refusal(limit: GraphQLLimitName, value: number, max: number, what: string): GraphQLError {
  return new GraphQLError(`Query too complex: ${what}, over the limit of ${max} (${GRAPHQL_LIMIT_VARIABLES[limit]}). Ask for less in one request.`, {
    extensions: { code: QUERY_TOO_COMPLEX, limit, value, max, http: { status: 400 } },
  });
}

/** The query text's refusal when it is larger than `maxQueryBytes`: checked before parsing. */
export function queryBytesRefusal(query: string, limits: Pick<GraphQLLimits, 'maxQueryBytes'>): GraphQLError | undefined {
  // Cheap first: a string of n UTF-16 units is at most 3n bytes.
  if (query.length * 3 <= limits.maxQueryBytes) return undefined;
  const bytes = Buffer.byteLength(query, 'utf8');
  return bytes > limits.maxQueryBytes ? refusal('maxQueryBytes', bytes, limits.maxQueryBytes, `the query is ${bytes} bytes`) : undefined;
}

class Exceeded {
  constructor(
    readonly limit: Exclude<GraphQLLimitName, 'maxQueryBytes'>,
    readonly value: number,
  ) {}
}

/** Above this a multiplication stops growing: the cost is far over any limit anyway. */
const SATURATED = 1e12;

/**
 * Measures every operation of `document` (fragments expanded, each spread as often as it is used) against the
 * limits, stopping at the first one exceeded, so the work done is bounded by the limits and not by the document.
 * `schema` (optional) lets a page-size argument left out count with its default (`first: Int = 100`).
 */
export function complexityRefusal(
  document: DocumentNode,
  limits: Omit<GraphQLLimits, 'maxQueryBytes'>,
  options: { schema?: GraphQLSchema; variables?: Readonly<Record<string, unknown>> | null } = {},
): GraphQLError | undefined {
  try {
    measureDocument(document, limits, options);
    return undefined;
  } catch (error) {
    if (!(error instanceof Exceeded)) throw error;
    return refusal(error.limit, error.value, limits[error.limit], WHAT[error.limit](error.value));
  }
}

/** The largest measure of any operation of the document; throws `Exceeded` (internal) at the first limit passed. */
function measureDocument(
  document: DocumentNode,
  limits: Omit<GraphQLLimits, 'maxQueryBytes'>,
  options: { schema?: GraphQLSchema; variables?: Readonly<Record<string, unknown>> | null },
): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let staticAliases = 0;
  const countAliases = (selectionSet: SelectionSetNode | undefined): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD && selection.alias) {
        staticAliases += 1;
        if (staticAliases > limits.maxAliases) throw new Exceeded('maxAliases', staticAliases);
      }
      if (selection.kind !== Kind.FRAGMENT_SPREAD) countAliases(selection.selectionSet);
    }
  };
  // Every alias written counts, in operations and fragments alike (unused ones too: validation reads them all).
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.FRAGMENT_DEFINITION || definition.kind === Kind.OPERATION_DEFINITION) countAliases(definition.selectionSet);
  }
  const largest: OperationMeasure = { depth: 0, aliases: staticAliases, rootFields: 0, cost: 0 };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const measure = measureOperation(definition, fragments, limits, options);
    largest.depth = Math.max(largest.depth, measure.depth);
    largest.aliases = Math.max(largest.aliases, measure.aliases);
    largest.rootFields = Math.max(largest.rootFields, measure.rootFields);
    largest.cost = Math.max(largest.cost, measure.cost);
  }
  return largest;
}

function measureOperation(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  limits: Omit<GraphQLLimits, 'maxQueryBytes'>,
  options: { schema?: GraphQLSchema; variables?: Readonly<Record<string, unknown>> | null },
): OperationMeasure {
  const { schema } = options;
  const variableDefaults = new Map<string, number>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue?.kind === Kind.INT) variableDefaults.set(definition.variable.name.value, Number(definition.defaultValue.value));
  }
  const measure: OperationMeasure = { depth: 0, aliases: 0, rootFields: 0, cost: 0 };
  // Spreads and inline fragments are work too: a chain of fragments spreading each other twice must not be free.
  let visits = 0;
  const maxVisits = limits.maxCost * 2 + 1_000;

  const sizeOf = (argument: ArgumentNode | undefined, fallback: number | undefined): number => {
    const value = argument?.value;
    let size: number | undefined;
    if (value?.kind === Kind.INT) size = Number(value.value);
    else if (value?.kind === Kind.VARIABLE) {
      const given = options.variables?.[value.name.value];
      size = typeof given === 'number' ? given : variableDefaults.get(value.name.value);
    }
    size ??= argument === undefined ? fallback : undefined;
    return size !== undefined && Number.isFinite(size) && size > 1 ? size : 1;
  };

  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType | undefined,
    depth: number,
    multiplier: number,
    spreading: ReadonlySet<string>,
    introspection: boolean,
  ): void => {
    for (const selection of selectionSet.selections) {
      visits += 1;
      if (visits > maxVisits) throw new Exceeded('maxCost', measure.cost);
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        // Introspection's depth is the schema's (`ofType { ofType … }` ends where the types do): it counts as its root.
        const fieldDepth = introspection ? depth : depth + 1;
        if (fieldDepth > measure.depth) {
          measure.depth = fieldDepth;
          if (fieldDepth > limits.maxDepth) throw new Exceeded('maxDepth', fieldDepth);
        }
        if (selection.alias) {
          measure.aliases += 1;
          if (measure.aliases > limits.maxAliases) throw new Exceeded('maxAliases', measure.aliases);
        }
        if (depth === 0) {
          measure.rootFields += 1;
          if (measure.rootFields > limits.maxRootFields) throw new Exceeded('maxRootFields', measure.rootFields);
        }
        measure.cost = Math.min(SATURATED, measure.cost + multiplier);
        if (measure.cost > limits.maxCost) throw new Exceeded('maxCost', measure.cost);
        if (!selection.selectionSet) continue;
        // Introspection answers from the schema, whose size the operator chose: its lists are not multiplied.
        const inIntrospection = introspection || name.startsWith('__');
        const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
        let childMultiplier = multiplier;
        if (!inIntrospection) {
          for (const argumentName of PAGE_SIZE_ARGUMENTS) {
            const argument = selection.arguments?.find((a) => a.name.value === argumentName);
            const declared = field?.args.find((a) => a.name === argumentName);
            if (!argument && !declared) continue;
            const fallback = typeof declared?.defaultValue === 'number' ? declared.defaultValue : undefined;
            childMultiplier = Math.min(SATURATED, childMultiplier * sizeOf(argument, fallback));
          }
        }
        const child = field ? (getNamedType(field.type) as GraphQLCompositeType) : undefined;
        walk(selection.selectionSet, child, fieldDepth, childMultiplier, spreading, inIntrospection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition && schema ? (schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType | undefined) : parent;
        walk(selection.selectionSet, condition, depth, multiplier, spreading, introspection);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A cycle or an unknown fragment is validation's to report; it adds nothing here.
        if (!fragment || spreading.has(name)) continue;
        const condition = schema ? (schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined) : undefined;
        walk(fragment.selectionSet, condition, depth, multiplier, new Set([...spreading, name]), introspection);
      }
    }
  };
  const root = schema?.getRootType(operation.operation) ?? undefined;
  walk(operation.selectionSet, root, 0, 1, new Set(), false);
  return measure;
}

/** The measure of a document without limits (for tests and the docs' figures). */
export function measureOf(document: DocumentNode, options: { schema?: GraphQLSchema; variables?: Readonly<Record<string, unknown>> | null } = {}): OperationMeasure {
  const unlimited = { maxDepth: Infinity, maxAliases: Infinity, maxRootFields: Infinity, maxCost: SATURATED + 1 };
  return measureDocument(document, unlimited, options);
}
