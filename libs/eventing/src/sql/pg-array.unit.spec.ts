import { toArrayLiteral } from './pg-array';

describe('toArrayLiteral', () => {
  it('quotes every element and escapes quotes and backslashes', () => {
    expect(toArrayLiteral(['a', 'b"c', 'd\\e', '{x,y}', '', null])).toBe('{"a","b\\"c","d\\\\e","{x,y}","",NULL}');
  });
  it('writes an empty array', () => {
    expect(toArrayLiteral([])).toBe('{}');
  });
});
