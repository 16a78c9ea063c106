import { parseBuildspec } from './buildspec';

const buildspec = `
version: 0.2
env:
  shell: bash
  variables:
    NODE_ENV: production
    PORT: 8080
  parameter-store:
    NPM_TOKEN: /ci/npm-token
  secrets-manager:
    DB_PASSWORD: prod/db:password
  exported-variables:
    - IMAGE_URI
phases:
  post_build:
    commands:
      - echo done
  install:
    runtime-versions:
      nodejs: 20
    commands:
      - npm ci
  build:
    commands:
      - npm run build
      - |
        docker build -t $REPO:$TAG .
        docker push $REPO:$TAG
    finally:
      - rm -rf tmp
artifacts:
  files:
    - 'dist/**/*'
  secondary-artifacts:
    Reports:
      files: [coverage/lcov.info]
      base-directory: coverage
cache:
  paths: [node_modules/**/*]
`;

describe('parseBuildspec', () => {
  const parsed = parseBuildspec(buildspec);
  if (!parsed.ok) throw new Error(parsed.reason);
  const result = parsed.buildspec;

  it('runs the phases in CodeBuild order, each phase then its finally block', () => {
    expect(result.commands).toEqual([
      'npm ci',
      'npm run build',
      'docker build -t $REPO:$TAG .\ndocker push $REPO:$TAG\n',
      'rm -rf tmp',
      'echo done',
    ]);
  });

  it('keeps plain and Secrets Manager variables as strings, and names the Parameter Store ones', () => {
    expect(result.environmentVariables).toEqual([
      { name: 'NODE_ENV', value: 'production', type: 'PLAINTEXT' },
      { name: 'PORT', value: '8080', type: 'PLAINTEXT' },
      { name: 'DB_PASSWORD', value: 'prod/db:password', type: 'SECRETS_MANAGER' },
    ]);
    expect(result.parameterStoreVariables).toEqual(['NPM_TOKEN']);
    expect(result.exportedVariables).toEqual(['IMAGE_URI']);
  });

  it('reads artifact globs by artifact, and lists what it ignored', () => {
    expect(result.artifactFiles).toEqual({ primary: ['dist/**/*'], Reports: ['coverage/lcov.info'] });
    expect(result.ignored).toEqual([
      'phases.install.runtime-versions',
      'cache',
      'env.shell',
      'artifacts.secondary-artifacts.Reports.base-directory',
    ]);
  });

  it.each([
    ['YAML that does not parse', 'phases: [unclosed', /does not parse/],
    ['a scalar', 'just text', /not a YAML mapping/],
    ['no commands', 'version: 0.2\nphases:\n  build: {}\n', /no phase commands/],
  ])('refuses %s with a reason', (_name, text, reason) => {
    const refused = parseBuildspec(text);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.reason).toMatch(reason);
  });
});
