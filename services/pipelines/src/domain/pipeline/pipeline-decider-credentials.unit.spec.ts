import { ActionTypeRegistry, redactUrlCredentialsIn, type CommandMetadata, type PipelineDeclaration } from '@sluice/domain';
import { deciderSpec } from '@sluice/domain/testing';
import { sourceBuildDeployPipeline } from '@sluice/testing/fixtures';
import type { PipelineCommand } from './pipeline-commands';
import type { PipelineEvent } from '@sluice/contracts';
import { pipelineDecider } from './pipeline-decider';

// getPipeline shows `https://***@host/…` for a URL with credentials; the dashboard editor and the CLI send that back.
const metadata: CommandMetadata = { now: '2026-01-02T03:04:05.000Z', account: 'acme', actor: 'alice', correlationId: 'c-1' };
const given = deciderSpec(pipelineDecider, { actionTypes: ActionTypeRegistry.builtIn() });

const PRIVATE_URL = 'https://bot:s3cr3t-canary@git.example.com/web.git';
const REDACTED_URL = 'https://***@git.example.com/web.git';

type Definition = ReturnType<typeof definitionWith>;
function definitionWith(repositoryUrl: string, version?: number) {
  const definition = structuredClone(sourceBuildDeployPipeline('web')) as unknown as PipelineDeclaration;
  definition.stages[0]!.actions[0]!.configuration!.RepositoryUrl = repositoryUrl;
  return version === undefined ? definition : { ...definition, version };
}
const checkoutUrl = (definition: Definition) => definition.stages[0]!.actions[0]!.configuration!.RepositoryUrl;

const created: PipelineEvent = {
  type: 'PipelineCreated',
  data: { name: 'web', version: 1, declaration: definitionWith(PRIVATE_URL, 1), tags: [], created: '2026-01-01T00:00:00.000Z', createdBy: 'bob' },
};
const update = (declaration: unknown): PipelineCommand => ({ type: 'UpdatePipeline', declaration, metadata });

/** The definition as getPipeline shows it, changed by `edit`, as the client sends it back. */
function readAndEdit(edit: (definition: Definition) => void = () => {}): Definition {
  const read = redactUrlCredentialsIn(definitionWith(PRIVATE_URL, 1));
  expect(checkoutUrl(read)).toBe(REDACTED_URL);
  edit(read);
  return read;
}

const updatedTo = (declaration: Definition): PipelineEvent[] => [
  { type: 'PipelineUpdated', data: { name: 'web', version: 2, declaration: { ...declaration, version: 2 }, updated: metadata.now, updatedBy: 'alice' } },
];

describe('pipeline decider: a definition read with its credentials redacted and sent back', () => {
  it('keeps the stored credentials of an unchanged URL', () => {
    given([created]).when(update(readAndEdit())).then(updatedTo(definitionWith(PRIVATE_URL)));
  });

  it('keeps them while the rest of the definition changes', () => {
    const edited = readAndEdit((definition) => {
      definition.stages[0]!.actions[0]!.configuration!.BranchName = 'release';
      definition.executionMode = 'QUEUED';
    });
    const expected = definitionWith(PRIVATE_URL);
    expected.stages[0]!.actions[0]!.configuration!.BranchName = 'release';
    given([created]).when(update(edited)).then(updatedTo({ ...expected, executionMode: 'QUEUED' }));
  });

  it.each([
    ['new credentials', 'https://bot:n3w-t0ken@git.example.com/web.git'],
    ['no credentials', 'https://git.example.com/web.git'],
    ['*** for another host', 'https://***@evil.example.com/web.git'],
    ['*** for another repository of the host', 'https://***@git.example.com/other.git'],
  ])('takes %s as written', (_label, url) => {
    const edited = readAndEdit((definition) => void (definition.stages[0]!.actions[0]!.configuration!.RepositoryUrl = url));
    given([created]).when(update(edited)).then(updatedTo(definitionWith(url)));
  });

  it('takes *** as written for a renamed action: it is not the same action', () => {
    const edited = readAndEdit((definition) => void (definition.stages[0]!.actions[0]!.name = 'Fetch'));
    const [event] = pipelineDecider.decide(update(edited), [created].reduce(pipelineDecider.evolve, pipelineDecider.initialState), { actionTypes: ActionTypeRegistry.builtIn() });
    expect(checkoutUrl((event as Extract<PipelineEvent, { type: 'PipelineUpdated' }>).data.declaration)).toBe(REDACTED_URL);
  });
});
