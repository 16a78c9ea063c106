import { SLUICE_ACTIONS } from '../actions/action-catalogue';
import { AT_NOON, authorizationMatrixCells, MATRIX_PRINCIPALS, MATRIX_TARGETS } from '../testing';
import { authorize } from './authorize';

describe('the authorization matrix', () => {
  const cells = authorizationMatrixCells();

  it('covers at least 5 principals × every catalogue action × targets in and out of scope', () => {
    expect(MATRIX_PRINCIPALS.length).toBeGreaterThanOrEqual(5);
    expect(cells).toHaveLength(MATRIX_PRINCIPALS.length * SLUICE_ACTIONS.length * MATRIX_TARGETS.length);
  });

  it.each(MATRIX_PRINCIPALS.map((entry) => [entry.label, entry] as const))('%s: zero wrong decisions', (_label, entry) => {
    const own = cells.filter((cell) => cell.principal === entry);
    const wrong = own
      .map((cell) => ({ cell, decision: authorize({ principal: entry.principal, action: cell.action.name, resource: cell.resource, context: AT_NOON }) }))
      .filter(({ cell, decision }) => decision.allowed !== cell.expected)
      .map(({ cell, decision }) => `${cell.action.name} on ${cell.resource}: expected ${cell.expected ? 'allow' : 'deny'}, got ${decision.decision} (${decision.explanation})`);
    expect(wrong).toEqual([]);
  });

  it('has cells of both outcomes for every principal that may do anything, so no rule is vacuous', () => {
    for (const entry of MATRIX_PRINCIPALS.filter((candidate) => candidate.rule !== 'nothing')) {
      const outcomes = new Set(cells.filter((cell) => cell.principal === entry).map((cell) => cell.expected));
      expect([entry.label, [...outcomes].sort()]).toEqual([entry.label, [false, true]]);
    }
  });
});
