import { redactUrlCredentialsIn } from './redact-url-credentials-in';
import { restoreRedactedCredentials } from './restore-redacted-credentials';

const URL_WITH_TOKEN = 'https://bot:s3cr3t@git.example.com/org/web.git';

interface Stored {
  name: string;
  version: number;
  stages: Array<{ name: string; actions: Array<{ name: string; configuration: Record<string, string>; environmentVariables?: Array<{ name: string; value: string }> }> }>;
}

const stored: Stored = {
  name: 'web',
  version: 2,
  stages: [
    { name: 'Source', actions: [{ name: 'Checkout', configuration: { RepositoryUrl: URL_WITH_TOKEN, BranchName: 'main' } }] },
    {
      name: 'Build',
      actions: [{ name: 'Compile', configuration: { Mirror: 'https://m:mirror-pw@mirror.example.com/web.git' }, environmentVariables: [{ name: 'REPO', value: URL_WITH_TOKEN }] }],
    },
  ],
};

/** What getPipeline shows of `stored`, as the editor and the CLI send it back. */
const asRead = () => structuredClone(redactUrlCredentialsIn(stored));
const checkoutUrl = (declaration: Stored) => declaration.stages[0]!.actions[0]!.configuration.RepositoryUrl;

describe('restoreRedactedCredentials', () => {
  it('puts back the stored credentials of a definition sent back as read', () => {
    expect(restoreRedactedCredentials(asRead(), stored)).toEqual(stored);
  });

  it('follows stages and actions by name, also when they moved', () => {
    const read = asRead();
    read.stages.reverse();
    // A new stage with an action of the same name holds another action: nothing stored to take from.
    read.stages.unshift({ name: 'Lint', actions: [{ name: 'Checkout', configuration: { RepositoryUrl: 'https://***@git.example.com/org/web.git', BranchName: 'main' } }] });
    const restored = restoreRedactedCredentials(read, stored);
    const stage = (name: string) => restored.stages.find((candidate) => candidate.name === name)!;
    expect(stage('Lint').actions[0]!.configuration.RepositoryUrl).toBe('https://***@git.example.com/org/web.git');
    expect(stage('Source')).toEqual(stored.stages[0]);
    expect(stage('Build')).toEqual(stored.stages[1]);
  });

  it('keeps a renamed action as written', () => {
    const read = asRead();
    read.stages[0]!.actions[0]!.name = 'Fetch';
    expect(checkoutUrl(restoreRedactedCredentials(read, stored))).toBe('https://***@git.example.com/org/web.git');
  });

  it.each([
    ['another host', 'https://***@evil.example.com/org/web.git'],
    ['another path', 'https://***@git.example.com/org/other.git'],
    ['another port', 'https://***@git.example.com:8443/org/web.git'],
    ['another scheme', 'http://***@git.example.com/org/web.git'],
    ['a userinfo other than ***', 'https://bot:***@git.example.com/org/web.git'],
    ['new credentials', 'https://bot:n3w-t0ken@git.example.com/org/web.git'],
    ['no credentials', 'https://git.example.com/org/web.git'],
  ])('takes %s as written', (_label, url) => {
    const read = asRead();
    read.stages[0]!.actions[0]!.configuration.RepositoryUrl = url;
    expect(checkoutUrl(restoreRedactedCredentials(read, stored))).toBe(url);
  });

  it('gives nothing to a key the stored action does not have', () => {
    const read = asRead() as unknown as { stages: Array<{ actions: Array<{ configuration: Record<string, string> }> }> };
    read.stages[0]!.actions[0]!.configuration['OtherUrl'] = 'https://***@git.example.com/org/web.git';
    const restored = restoreRedactedCredentials(read, stored);
    expect(restored.stages[0]!.actions[0]!.configuration['OtherUrl']).toBe('https://***@git.example.com/org/web.git');
  });

  it('leaves what is not a definition as it is', () => {
    for (const input of [null, 'text', 42, { name: 'web' }, { stages: 'none' }]) expect(restoreRedactedCredentials(input, stored)).toEqual(input);
  });
});
