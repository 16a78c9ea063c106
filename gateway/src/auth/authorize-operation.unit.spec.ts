import { buildSchema, parse } from 'graphql';
import { approverPolicy, readOnlyPolicy, type Principal } from '@sluice/authz';
import { authorizeOperation } from './authorize-operation';

const schema = buildSchema(`
  scalar JSON
  type Query { getPipelineState(name: String!): String whoami: String listPipelines(first: Int = 50): String secretField: String }
  type Mutation {
    putApprovalResult(pipelineName: String!, stageName: String!, actionName: String!, token: String!): String
    startPipelineExecution(name: String!): String
    createPipeline(pipeline: JSON!): String
  }
`);

const approver: Principal = { id: 'april', account: 'acme', policies: [approverPolicy('acme', 'web', 'Deploy')] };
const reader: Principal = { id: 'rita', account: 'acme', policies: [readOnlyPolicy('acme')] };
const lookup = { pipelineOfExecution: async () => undefined };
const context = { currentTime: new Date('2026-01-01T00:00:00Z') };

const run = (principal: Principal, query: string, variableValues: Record<string, unknown> = {}) =>
  authorizeOperation({ schema, document: parse(query), variableValues, principal, lookup, context });

describe('authorizeOperation', () => {
  it('authorizes putApprovalResult at the action, from variables', async () => {
    const query = 'mutation($p: String!, $s: String!) { putApprovalResult(pipelineName: $p, stageName: $s, actionName: "Approve", token: "t") }';
    const inScope = await run(approver, query, { p: 'web', s: 'Deploy' });
    expect(inScope.refusals).toEqual([]);
    expect(inScope.calls.map((c) => [c.action, c.resource, c.decision?.decision])).toEqual([['sluice:PutApprovalResult', 'srn:sluice:acme:web/Deploy/Approve', 'Allow']]);
    const outOfScope = await run(approver, query, { p: 'web', s: 'Build' });
    expect(outOfScope.refusals.map((e) => [e.extensions.code, e.message])).toEqual([
      ['FORBIDDEN', expect.stringMatching(/^Forbidden: sluice:PutApprovalResult on srn:sluice:acme:web\/Build\/Approve: .*implicit deny/)],
    ]);
  });

  it('finds root fields behind fragments and aliases, each a call', async () => {
    const query = `query { ...F ... on Query { other: getPipelineState(name: "prod") } whoami __typename }
      fragment F on Query { mine: getPipelineState(name: "web") }`;
    const result = await run(approver, query);
    expect(result.calls.map((c) => [c.responseKey, c.resource, c.refusal?.extensions.code])).toEqual([
      ['mine', 'srn:sluice:acme:web', undefined],
      ['other', 'srn:sluice:acme:prod', 'FORBIDDEN'],
      ['whoami', 'srn:sluice:acme:', undefined],
    ]);
  });

  it('refuses a field without a rule, whoever asks', async () => {
    const result = await run({ id: 'root', account: 'acme', policies: [{ name: 'All', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }] }, '{ secretField }');
    expect(result.refusals.map((e) => e.message)).toEqual([expect.stringMatching(/Query\.secretField .*no authorization rule/)]);
  });

  it('answers BAD_USER_INPUT naming the argument that names no resource', async () => {
    const result = await run(reader, 'mutation { createPipeline(pipeline: { stages: [] }) }');
    expect(result.refusals.map((e) => [e.extensions.code, e.message])).toEqual([['BAD_USER_INPUT', expect.stringContaining('pipeline.name: must name the pipeline')]]);
  });

  it('refuses variables that do not coerce', async () => {
    await expect(run(reader, 'query($n: String!) { getPipelineState(name: $n) }', {})).rejects.toThrow(/\$n/);
  });

  it('lets a read-only user read and refuses its mutations', async () => {
    expect((await run(reader, '{ getPipelineState(name: "web") listPipelines }')).refusals).toEqual([]);
    expect((await run(reader, 'mutation { startPipelineExecution(name: "web") }')).refusals.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
  });
});
