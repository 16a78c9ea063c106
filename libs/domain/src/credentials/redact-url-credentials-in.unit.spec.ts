import { redactUrlCredentialsIn } from './redact-url-credentials-in';

describe('redactUrlCredentialsIn', () => {
  it('redacts every string at any depth and leaves keys, numbers and the input alone, sharing what it did not change', () => {
    const declaration = {
      name: 'web',
      version: 3,
      stages: [{ name: 'Source', actions: [{ name: 'Checkout', runOrder: 1, configuration: { RepositoryUrl: 'https://bot:s3cr3t@git.example.com/web.git', BranchName: 'main' } }] }],
      variables: [{ name: 'Mirror', defaultValue: 'https://m:pw@mirror.example.com/web.git' }],
      enabled: true,
      note: null,
    };
    const copy = structuredClone(declaration);
    const redacted = redactUrlCredentialsIn(declaration);
    expect(redacted).toEqual({
      ...declaration,
      stages: [{ name: 'Source', actions: [{ name: 'Checkout', runOrder: 1, configuration: { RepositoryUrl: 'https://***@git.example.com/web.git', BranchName: 'main' } }] }],
      variables: [{ name: 'Mirror', defaultValue: 'https://***@mirror.example.com/web.git' }],
    });
    expect(declaration).toEqual(copy);
    // What holds no credential is the input's own; what holds one is a copy.
    expect(redacted.stages[0]!.actions[0]!.configuration).not.toBe(declaration.stages[0]!.actions[0]!.configuration);
    expect(redacted.stages).not.toBe(declaration.stages);
    const clean = { name: 'web', stages: [{ name: 'Build', actions: [{ configuration: { Commands: 'make', Url: 'https://git.example.com/web.git' } }] }] };
    expect(redactUrlCredentialsIn(clean)).toBe(clean);
    expect(redactUrlCredentialsIn({ ...declaration, stages: clean.stages }).stages).toBe(clean.stages);
  });
});
