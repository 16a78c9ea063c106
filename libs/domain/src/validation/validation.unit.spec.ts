import { closestMatch } from './closest-match';
import { describeCharacter, describeValue } from './describe-value';
import { childPath, indexPath, ROOT_PATH } from './json-path';
import { ValidationError } from './validation-error';

describe('JSON paths', () => {
  it('uses dots for plain keys and brackets for indexes and odd keys', () => {
    expect(childPath(indexPath(childPath(indexPath(childPath(ROOT_PATH, 'stages'), 2), 'actions'), 0), 'name')).toBe('$.stages[2].actions[0].name');
    expect(childPath('$.configuration', 'Odd key')).toBe('$.configuration["Odd key"]');
    expect(childPath('$', 'a.b')).toBe('$["a.b"]');
  });
});

describe('ValidationError', () => {
  it('lists the first five issues and counts the rest', () => {
    const issues = Array.from({ length: 7 }, (_, index) => ({ path: `$.stages[${index}].name`, code: 'too_long', message: `Name ${index} is too long.` }));
    const error = new ValidationError(issues, 'The pipeline definition is not valid');
    expect(error.issues).toHaveLength(7);
    expect(error.message).toBe(
      [
        'The pipeline definition is not valid (7 issues):',
        ...issues.slice(0, 5).map((issue) => `  - ${issue.path}: ${issue.message}`),
        '… and 2 more issues',
      ].join('\n'),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ValidationError');
  });
});

describe('message wording', () => {
  it.each([
    ['\t', 'the control character U+0009 (TAB)'],
    ['\u007f', 'the control character U+007F (DELETE)'],
    ['\u202e', 'the invisible formatting character U+202E (RIGHT-TO-LEFT OVERRIDE)'],
    ['\u00a0', 'the space character U+00A0 (NO-BREAK SPACE)'],
    ['ü', '"ü" (U+00FC)'],
  ])('describes %j', (character, expected) => expect(describeCharacter(character)).toBe(expected));

  it('describes values by type', () => {
    expect(describeValue(42)).toBe('the number 42');
    expect(describeValue([1, 2])).toBe('an array of 2 items');
    expect(describeValue('a\nb')).toBe('the string "a\\nb"');
  });

  it('suggests close words only', () => {
    expect(closestMatch('runorder', ['runOrder', 'name'])).toBe('runOrder');
    expect(closestMatch('namespcae', ['namespace', 'name'])).toBe('namespace');
    expect(closestMatch('colour', ['runOrder', 'name'])).toBeUndefined();
  });
});
