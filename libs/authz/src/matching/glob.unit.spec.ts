import { globToRegExp } from './glob';

describe('IAM wildcards', () => {
  it.each([
    ['srn:sluice:acme:web/*', 'srn:sluice:acme:web/Deploy/Approve', true],
    ['srn:sluice:acme:web/*', 'srn:sluice:acme:web', false],
    ['srn:sluice:*:*', 'srn:sluice:globex:web', true],
    ['srn:sluice:acme:*', 'srn:sluice:acme:', true],
    ['srn:sluice:acme:w?b', 'srn:sluice:acme:web', true],
    ['srn:sluice:acme:w?b', 'srn:sluice:acme:weeb', false],
    ['srn:sluice:acme:web.v2', 'srn:sluice:acme:webXv2', false], // "." is literal
    ['srn:sluice:acme:(web)+', 'srn:sluice:acme:(web)+', true],
  ])('%s matches %s: %s', (pattern, text, expected) => expect(globToRegExp(pattern, { ignoreCase: false }).test(text)).toBe(expected));

  it('ignores case only when asked (actions, not resources)', () => {
    expect(globToRegExp('sluice:get*', { ignoreCase: true }).test('sluice:GetPipeline')).toBe(true);
    expect(globToRegExp('srn:sluice:acme:Web', { ignoreCase: false }).test('srn:sluice:acme:web')).toBe(false);
  });
});
