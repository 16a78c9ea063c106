import { accountIdProblem, isValidAccountId } from './account-id';
import { formatResourceName, parsePipelineStreamName, parseResourceName, pipelineStreamName, ResourceNameError } from './sluice-resource-name';

describe('account ids', () => {
  it.each(['acme', 'a', 'team-42', 'a'.repeat(63)])('accepts %s', (id) => expect(isValidAccountId(id)).toBe(true));
  it.each([
    ['', 'must not be empty'],
    ['Acme', '"A" (U+0041)'],
    ['acme.corp', '"." (U+002E)'],
    ['-acme', 'must not start or end with "-"'],
    ['a'.repeat(64), 'longer than 63'],
    ['ac\u0000me', 'U+0000 (NULL)'],
  ])('refuses %j', (id, reason) => expect(accountIdProblem(id)).toContain(reason));
});

describe('Sluice resource names', () => {
  it.each([
    [{ account: 'acme', pipeline: 'web-app' }, 'srn:sluice:acme:web-app'],
    [{ account: 'acme', pipeline: 'web.app@v2', stage: 'Deploy' }, 'srn:sluice:acme:web.app@v2/Deploy'],
    [{ account: 'acme', pipeline: 'web-app', stage: 'Deploy', action: 'Approve' }, 'srn:sluice:acme:web-app/Deploy/Approve'],
  ] as const)('formats and parses %j', (name, text) => {
    expect(formatResourceName(name)).toBe(text);
    expect(parseResourceName(text)).toEqual({ ok: true, name });
  });

  it.each([
    ['arn:aws:codepipeline:eu-west-1:1:web', 'does not start with'],
    ['srn:sluice:acme', 'no pipeline part'],
    ['srn:sluice:ACME:web', 'account id'],
    ['srn:sluice:acme:web/Deploy/Approve/extra', 'more than pipeline/stage/action'],
    ['srn:sluice:acme:web app', 'pipeline name'],
    ['srn:sluice:acme:web//Approve', 'stage name'],
  ])('refuses %s', (text, reason) => {
    const parsed = parseResourceName(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toContain(reason);
  });

  it('refuses to format an invalid name', () => {
    expect(() => formatResourceName({ account: 'acme', pipeline: 'a/b' })).toThrow(RangeError);
  });

  it.each([
    [{ account: 'acme', pipeline: 'a b' }, 'pipeline', 'a b', '"a b" may contain only letters'],
    [{ account: 'acme', pipeline: 'x'.repeat(101) }, 'pipeline', 'x'.repeat(101), 'must have 1 to 100 characters'],
    [{ account: 'acme', pipeline: 'web', stage: 'Deploy\u202e' }, 'stage', 'Deploy\u202e', 'stage name'],
    [{ account: 'acme', pipeline: 'web', stage: 'Deploy', action: '' }, 'action', '', 'action name'],
    [{ account: 'Acme', pipeline: 'web' }, 'account', 'Acme', 'account id'],
  ] as const)('names the part at fault, typed: %j', (name, part, value, problem) => {
    const error = (() => {
      try {
        formatResourceName(name);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ResourceNameError);
    expect(error).toMatchObject({ part, value });
    expect((error as ResourceNameError).problem).toContain(problem);
  });
});

describe('pipeline stream names', () => {
  it('joins account and pipeline, and splits them back even when the pipeline name has dots', () => {
    expect(pipelineStreamName('acme', 'web.app.v2')).toBe('pipeline-acme.web.app.v2');
    expect(parsePipelineStreamName('pipeline-acme.web.app.v2')).toEqual({ account: 'acme', pipeline: 'web.app.v2' });
  });

  it.each(['execution-123', 'pipeline-acme', 'pipeline-ACME.web', 'pipeline-acme.'])('does not parse %s', (stream) => {
    expect(parsePipelineStreamName(stream)).toBeUndefined();
  });

  it('refuses an account id with a dot, which would make the stream name ambiguous', () => {
    expect(() => pipelineStreamName('acme.corp', 'web')).toThrow(RangeError);
  });
});
