import { buildSchema, Kind, parse, type ObjectTypeDefinitionNode } from 'graphql';
import { findAction, readOnlyPolicy, type NamedPolicy, type PolicyStatement, type Principal } from '@sluice/authz';
import { shippedSubgraphSdls } from '../api-reference/public-api';
import { authorizeOperation } from './authorize-operation';
import { NESTED_FIELD_RULES } from './nested-field-rules';

describe('the nested field rules', () => {
  it('cover every field of every entity of the shipped schemas that is not a key', () => {
    const fieldsOf = new Map<string, Set<string>>();
    const keysOf = new Map<string, Set<string>>();
    for (const { sdl } of shippedSubgraphSdls()) {
      for (const node of parse(sdl).definitions) {
        if (node.kind !== Kind.OBJECT_TYPE_DEFINITION && node.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
        const key = node.directives?.find((directive) => directive.name.value === 'key');
        if (!key) continue;
        const type = (node as ObjectTypeDefinitionNode).name.value;
        const fields = key.arguments?.find((argument) => argument.name.value === 'fields')?.value;
        for (const name of fields?.kind === Kind.STRING ? fields.value.split(/\s+/) : []) (keysOf.get(type) ?? keysOf.set(type, new Set()).get(type)!).add(name);
        for (const field of node.fields ?? []) (fieldsOf.get(type) ?? fieldsOf.set(type, new Set()).get(type)!).add(field.name.value);
      }
    }
    expect([...fieldsOf.keys()]).toContain('Pipeline');
    const missing = [...fieldsOf].flatMap(([type, fields]) => [...fields].filter((field) => !keysOf.get(type)?.has(field) && !(field in (NESTED_FIELD_RULES[type] ?? {}))).map((field) => `${type}.${field}`));
    expect(missing).toEqual([]);
  });

  it('name only catalogue actions', () => {
    const actions = Object.values(NESTED_FIELD_RULES).flatMap((fields) => Object.values(fields)).filter((action): action is string => action !== null);
    expect(actions.filter((action) => !findAction(action))).toEqual([]);
  });
});

describe('fields below the root are authorized on the pipeline they read', () => {
  const schema = buildSchema(`
    scalar JSON
    type Pipeline { account: String! name: String! pipeline: JSON! metadata: Meta! state: State tags: [String!]! transitions: [String!]! }
    type Meta { version: Int! }
    type State { token: String }
    type Edge { node: Pipeline! }
    type Connection { edges: [Edge!]! }
    type Query { listPipelines(first: Int = 50): Connection! getPipeline(name: String!): Pipeline! }
    type Mutation { createPipeline(pipeline: JSON!): Pipeline! }
  `);
  const lookup = { pipelineOfExecution: async () => undefined };
  const context = { currentTime: new Date('2026-01-01T00:00:00Z') };
  const policy = (...statements: PolicyStatement[]): NamedPolicy => ({ name: 'custom', document: { Version: '2012-10-17', Statement: statements } });
  const run = async (principal: Principal, query: string) =>
    (await authorizeOperation({ schema, document: parse(query), principal, lookup, context })).refusals.map((refusal) => `${refusal.extensions.code} ${refusal.extensions.action} ${refusal.extensions.resource}`);

  // The probe: ListPipelines allowed, GetPipelineState denied, approval tokens read through the listing.
  const lister: Principal = {
    id: 'lister',
    account: 'acme',
    policies: [policy({ Effect: 'Allow', Action: ['sluice:ListPipelines', 'sluice:GetPipeline', 'sluice:GetPipelineState'], Resource: 'srn:sluice:acme:*' }, { Effect: 'Deny', Action: 'sluice:GetPipelineState', Resource: 'srn:sluice:acme:web' })],
  };
  const listsOnly: Principal = { id: 'names', account: 'acme', policies: [policy({ Effect: 'Allow', Action: 'sluice:ListPipelines', Resource: 'srn:sluice:acme:' })] };
  const webReader: Principal = {
    id: 'web-reader',
    account: 'acme',
    policies: [policy({ Effect: 'Allow', Action: 'sluice:ListPipelines', Resource: 'srn:sluice:acme:' }, { Effect: 'Allow', Action: ['sluice:GetPipeline', 'sluice:GetPipelineState'], Resource: 'srn:sluice:acme:web' })],
  };
  const reader: Principal = { id: 'rita', account: 'acme', policies: [readOnlyPolicy('acme')] };

  it('a denied GetPipelineState is not bypassed through listPipelines, by fragment or alias either', async () => {
    expect(await run(lister, '{ listPipelines { edges { node { name state { token } } } } }')).toEqual(['FORBIDDEN sluice:GetPipelineState srn:sluice:acme:*']);
    expect(await run(lister, '{ l: listPipelines { ...E } } fragment E on Connection { edges { node { ... on Pipeline { s: state { token } } } } }')).toEqual(['FORBIDDEN sluice:GetPipelineState srn:sluice:acme:*']);
    expect(await run(lister, '{ getPipeline(name: "web") { state { token } } }')).toEqual(['FORBIDDEN sluice:GetPipelineState srn:sluice:acme:web']);
  });

  it('a listing shows names and metadata with ListPipelines alone; definitions, state and tags need their own actions', async () => {
    expect(await run(listsOnly, '{ listPipelines { edges { node { name metadata { version } } } } }')).toEqual([]);
    expect(await run(listsOnly, '{ listPipelines { edges { node { name pipeline } } } }')).toEqual(['FORBIDDEN sluice:GetPipeline srn:sluice:acme:*']);
    expect(await run(listsOnly, '{ listPipelines { edges { node { tags } } } }')).toEqual(['FORBIDDEN sluice:ListTagsForResource srn:sluice:acme:*']);
  });

  it('a principal allowed one pipeline reads it by name, not through a listing of all', async () => {
    expect(await run(webReader, '{ getPipeline(name: "web") { pipeline state { token } } }')).toEqual([]);
    expect(await run(webReader, '{ getPipeline(name: "api") { name } }')).toEqual(['FORBIDDEN sluice:GetPipeline srn:sluice:acme:api']);
    expect(await run(webReader, '{ listPipelines { edges { node { state { token } } } } }')).toEqual(['FORBIDDEN sluice:GetPipelineState srn:sluice:acme:*']);
  });

  it('the managed read-only policy reads everything it lists; a created pipeline is read at itself', async () => {
    expect(await run(reader, '{ listPipelines { edges { node { name pipeline metadata { version } state { token } tags transitions } } } }')).toEqual([]);
    const creator: Principal = { id: 'c', account: 'acme', policies: [policy({ Effect: 'Allow', Action: 'sluice:CreatePipeline', Resource: 'srn:sluice:acme:*' })] };
    expect(await run(creator, 'mutation { createPipeline(pipeline: { name: "web" }) { name } }')).toEqual([]);
    expect(await run(creator, 'mutation { createPipeline(pipeline: { name: "web" }) { state { token } } }')).toEqual(['FORBIDDEN sluice:GetPipelineState srn:sluice:acme:web']);
  });

  it('a role session must allow the whole account too', async () => {
    const session: Principal = { ...reader, sessionPolicy: policy({ Effect: 'Allow', Action: 'sluice:*', Resource: ['srn:sluice:acme:', 'srn:sluice:acme:web'] }) };
    expect(await run(session, '{ listPipelines { edges { node { state { token } } } } }')).toEqual(['FORBIDDEN sluice:GetPipelineState srn:sluice:acme:*']);
  });
});
