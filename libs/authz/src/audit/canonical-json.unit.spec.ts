import { canonicalJson } from './canonical-json';

describe('canonical JSON', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('is independent of key insertion order', () => {
    const one = { principal: { id: 'alice', account: 'acme' }, operation: 'sluice:GetPipeline', requestParameters: { name: 'web', version: 2 } };
    const other = { requestParameters: { version: 2, name: 'web' }, operation: 'sluice:GetPipeline', principal: { account: 'acme', id: 'alice' } };
    expect(canonicalJson(one)).toBe(canonicalJson(other));
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 does', () => {
    const keys = ['\u20ac', '\r', '\ufb33', '1', '\ud83d\ude00', '\u0080', '\u00f6'];
    const object = Object.fromEntries(keys.map((key, index) => [key, index]));
    // RFC 8785's own example: "\r", "1", U+0080, "ö", "€", "😀" (a surrogate pair, 0xD83D), U+FB33.
    expect(canonicalJson(object)).toBe('{"\\r":1,"1":3,"\u0080":5,"\u00f6":6,"\u20ac":0,"\ud83d\ude00":4,"\ufb33":2}');
  });

  it('writes numbers and strings as JSON.stringify does', () => {
    expect(canonicalJson([1.0, -0, 1e21, 0.1, 'line\nbreak', '"quoted"'])).toBe('[1,0,1e+21,0.1,"line\\nbreak","\\"quoted\\""]');
  });

  it('leaves out properties whose value is undefined, so an absent and an undefined field hash the same', () => {
    expect(canonicalJson({ a: 1, sid: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it.each([
    ['NaN', { a: Number.NaN }, '$.a is NaN'],
    ['Infinity', [Number.POSITIVE_INFINITY], '$[0] is Infinity'],
    ['a bigint', { a: 1n }, '$.a is a bigint'],
    ['a Date', { time: new Date(0) }, '$.time is a Date instance'],
    ['a Map', { m: new Map() }, '$.m is a Map instance'],
    ['a function', { f: () => 1 }, '$.f is a function'],
  ])('refuses %s', (_label, value, message) => expect(() => canonicalJson(value)).toThrow(message));
});
