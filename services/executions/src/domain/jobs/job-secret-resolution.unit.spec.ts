import type { JobSpec } from '@sluice/contracts';
import { resolveJobSecrets, secretNamesToOpen } from './job-secret-resolution';

const spec = (changes: Partial<JobSpec>): JobSpec => ({
  jobId: 'job-1',
  executionId: 'e-1',
  pipeline: { account: 'acme', name: 'web' },
  pipelineVersion: 1,
  stageName: 'Deploy',
  actionName: 'Ship',
  actionExecutionId: 'ae-1',
  actionTypeId: { category: 'Deploy', owner: 'Sluice', provider: 'Commands', version: '1' },
  configuration: {},
  commands: ['echo "$TOKEN"'],
  environmentVariables: [],
  inputArtifacts: [],
  outputArtifacts: [],
  outputVariables: [],
  namespace: null,
  sourceRevision: null,
  continuationToken: null,
  deadline: '2026-01-01T01:00:00.000Z',
  ...changes,
});
const values = new Map([
  ['Token', 't0ken-value'],
  ['Db', '{"user":"app","password":"s3cret","port":5432}'],
]);

describe('putting secrets into a job as it is handed out', () => {
  it('fills SECRETS_MANAGER variables (name and name:json-key) and #{secrets.Name} in configuration', () => {
    const job = spec({
      secretNames: ['Db', 'Token'],
      environmentVariables: [
        { name: 'TOKEN', value: 'Token', type: 'SECRETS_MANAGER' },
        { name: 'PASSWORD', value: 'Db:password', type: 'SECRETS_MANAGER' },
        { name: 'PORT', value: 'Db:port', type: 'SECRETS_MANAGER' },
        { name: 'PLAIN', value: 'Token', type: 'PLAINTEXT' },
      ],
      configuration: { Url: 'https://x.example/?t=#{secrets.Token}', Other: '#{secrets.Unlisted}' },
    });
    expect(secretNamesToOpen(job)).toEqual(['Db', 'Token']);
    const resolved = resolveJobSecrets(job, values);
    expect(resolved).toMatchObject({ ok: true });
    if (!resolved.ok) return;
    expect(resolved.spec.environmentVariables.map((variable) => variable.value)).toEqual(['t0ken-value', 's3cret', '5432', 'Token']);
    // A reference the declaration does not hold (a variable's value brought it) stays text.
    expect(resolved.spec.configuration).toEqual({ Url: 'https://x.example/?t=t0ken-value', Other: '#{secrets.Unlisted}' });
    expect(resolved.values).toEqual(expect.arrayContaining(['t0ken-value', 's3cret', values.get('Db')]));
  });

  it.each([
    ['a name the declaration does not reference', spec({ secretNames: ['Token'], environmentVariables: [{ name: 'X', value: 'Db', type: 'SECRETS_MANAGER' }] }), 'does not reference'],
    ['a secret deleted since', spec({ secretNames: ['Gone'], environmentVariables: [{ name: 'X', value: 'Gone', type: 'SECRETS_MANAGER' }] }), 'does not exist'],
    ['a key the JSON lacks', spec({ secretNames: ['Db'], environmentVariables: [{ name: 'X', value: 'Db:nope', type: 'SECRETS_MANAGER' }] }), 'has no key "nope"'],
    ['a key of a value that is no JSON', spec({ secretNames: ['Token'], environmentVariables: [{ name: 'X', value: 'Token:k', type: 'SECRETS_MANAGER' }] }), 'is not JSON'],
  ])('refuses %s, naming the secret and never a value', (_title, job, message) => {
    const resolved = resolveJobSecrets(job, values);
    expect(resolved.ok).toBe(false);
    if (resolved.ok) return;
    expect(resolved.message).toContain(message);
    for (const value of values.values()) expect(resolved.message).not.toContain(value);
  });
});
