import { responseVariables } from './response-variables';

describe('responseVariables', () => {
  it('takes the top-level strings, numbers and booleans', () => {
    const body = JSON.stringify({ deploymentId: 'd-42', count: 3, ratio: 0.5, ok: true, nested: { a: 1 }, list: [1], nothing: null, 'bad name': 'x' });
    expect(responseVariables(body)).toEqual({ variables: { deploymentId: 'd-42', count: '3', ratio: '0.5', ok: 'true' }, skipped: 0 });
  });

  it.each(['not json', '[1,2]', '"text"', '42', 'null', ''])('gives none for %j', (body) => {
    expect(responseVariables(body)).toEqual({ variables: {}, skipped: 0 });
  });

  it('keeps the first 100 and counts the rest', () => {
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: 105 }, (_, index) => [`v${index}`, index])));
    const { variables, skipped } = responseVariables(body);
    expect(Object.keys(variables)).toHaveLength(100);
    expect(variables['v99']).toBe('99');
    expect(skipped).toBe(5);
  });
});
