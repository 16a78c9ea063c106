import { parseIpRange } from './ip-range';
import { parseJsonPath } from './json-path';
import { matchWebhookFilters } from './webhook-filters';

const push = { ref: 'refs/heads/main', repository: { name: 'web', 'full-name': 'acme/web' }, commits: [{ id: 'abc' }], size: 3, forced: false };
const configuration = { RepositoryUrl: 'https://git.example.com/web.git', BranchName: 'main' };

describe('webhook filters', () => {
  it.each([
    ['$.ref', 'refs/heads/{Branch}', true],
    ['$.ref', 'refs/heads/{BranchName}', true],
    ['$.ref', 'refs/heads/other', false],
    ["$['repository']['full-name']", 'acme/web', true],
    ['$.repository.full-name', 'acme/web', true],
    ['$.commits[0].id', 'abc', true],
    ['$.commits[1].id', 'abc', false],
    ['$.size', '3', true],
    ['$.forced', 'false', true],
    ['$.repository', 'x', false],
    ['$.ref', '{Nope}', false],
  ])('%s = %s → %s', (jsonPath, matchEquals, matched) => {
    expect(matchWebhookFilters(push, [{ jsonPath, matchEquals }], configuration).matched).toBe(matched);
  });

  it('needs every filter to match, and names the first that did not', () => {
    expect(matchWebhookFilters(push, [{ jsonPath: '$.ref', matchEquals: 'refs/heads/main' }, { jsonPath: '$.repository.name', matchEquals: 'api' }], configuration)).toEqual({
      matched: false,
      index: 1,
      reason: "$.repository.name is 'web', not 'api'",
    });
  });

  it.each(['$..id', '$.commits[*]', '$.a[?(@.b)]', 'ref', '$.commits[0:2]', ''])('refuses the JSONPath %j', (path) => expect(parseJsonPath(path).ok).toBe(false));
});

describe('allowed IP ranges', () => {
  it.each([
    ['10.0.0.0/8', '10.1.2.3', true],
    ['10.0.0.0/8', '::ffff:10.1.2.3', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['127.0.0.1/32', '127.0.0.1', true],
    ['2001:db8::/32', '2001:db8::1', true],
    ['2001:db8::/32', '10.0.0.1', false],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::1/128', '::1', true],
    ['10.1.0.0/16', '10.1.255.255', true],
    ['10.1.0.0/16', '10.2.0.0', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['192.168.1.0/25', '192.168.1.127', true],
    ['192.168.1.0/25', '192.168.1.128', false],
  ])('%s contains %s: %s', (range, address, contained) => {
    const parsed = parseIpRange(range);
    expect(parsed.ok && parsed.contains(address)).toBe(contained);
  });

  it.each(['10.0.0.0', '10.0.0.0/33', 'ten/8', '10.0.0.0/8/1', '::/129', '10.0.0.256/8', '1::2::3/64', '2001:db8:1:2:3:4:5:6:7/64', '010.0.0.0/8'])('refuses %j', (range) => expect(parseIpRange(range).ok).toBe(false));
});
