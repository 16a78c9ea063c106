import { describe, expect, it } from '@jest/globals';
import { lineAndColumn, locatePath, parseJsonText } from './json-text-locations';

const text = `{
  "name": "web",
  "stages": [
    { "name": "Source", "actions": [] },
    { "name": "Build", "actions": [ { "name": "Compile", "runOrder": 0, "configuration": { "Odd key": "x" } } ] }
  ]
}`;

const at = (path: string) => {
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const range = locatePath(parsed.locations, path);
  return range && text.slice(range.start, range.end);
};

describe('parseJsonText', () => {
  it('gives the value JSON.parse gives, and where each value is by the validator path', () => {
    const parsed = parseJsonText(text);
    expect(parsed.ok && parsed.value).toEqual(JSON.parse(text));
    expect(at('$.stages[1].actions[0].runOrder')).toBe('0');
    expect(at('$.stages[0].name')).toBe('"Source"');
    expect(at('$.stages[1].actions[0].configuration["Odd key"]')).toBe('"x"');
    expect(at('$')).toBe(text);
  });

  it('locates a missing field at the nearest value that exists', () => {
    expect(at('$.stages[0].actions[0].name')).toBe('[]');
    expect(at('$.stages[1].actions[0].inputArtifacts[0].name')).toBe('{ "name": "Compile", "runOrder": 0, "configuration": { "Odd key": "x" } }');
    expect(at('$.triggers')).toBe(text);
  });

  it.each([
    ['{\n  "name": "web",\n  "stages": [}\n}', 3, 14, /a value/],
    ['{\n  "name": "web"\n  "stages": []\n}', 3, 3, /"," or "}"/],
    ['{ "name": "web", }', 1, 18, /property name/],
    ['{ "name": "we\nb" }', 1, 14, /control character/],
    ['{ "name": "web" } x', 1, 19, /end of the text/],
    ['{ "name": "web"', 1, 16, /"," or "}"/],
    ['{ "name": 01 }', 1, 12, /"," or "}"/],
    ['', 1, 1, /a value/],
  ])('reports a syntax error with its line and column: %j', (bad, line, column, message) => {
    expect(() => JSON.parse(bad)).toThrow();
    const parsed = parseJsonText(bad);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect([parsed.error.line, parsed.error.column]).toEqual([line, column]);
    expect(parsed.error.message).toMatch(message);
  });

  it('accepts what JSON.parse accepts', () => {
    for (const good of ['[]', '{}', ' 1.5e-3 ', '"\\u00e9\\n"', '[true,false,null,-0,{"a":[{}]}]', '{"":1}']) {
      const parsed = parseJsonText(good);
      expect({ good, value: parsed.ok ? parsed.value : parsed.error.message }).toEqual({ good, value: JSON.parse(good) });
    }
  });
});

describe('lineAndColumn', () => {
  it('counts from 1', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
