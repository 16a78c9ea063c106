import { configProblemsOf } from '@sluice/runtime';
import { permissionsRoleFrom } from './permissions-config';

describe('SLUICE_PERMISSIONS_ROLE', () => {
  it('is all (the API, folding the audit trails) unless set to api or projections', () => {
    expect([permissionsRoleFrom({}), permissionsRoleFrom({ SLUICE_PERMISSIONS_ROLE: ' ' })]).toEqual(['all', 'all']);
    expect([permissionsRoleFrom({ SLUICE_PERMISSIONS_ROLE: 'api' }), permissionsRoleFrom({ SLUICE_PERMISSIONS_ROLE: 'projections' })]).toEqual(['api', 'projections']);
  });

  it('refuses any other value, naming the variable and the values it takes', () => {
    const problems = configProblemsOf(() => permissionsRoleFrom({ SLUICE_PERMISSIONS_ROLE: 'projection' }));
    expect(problems).toEqual([{ variable: 'SLUICE_PERMISSIONS_ROLE', reason: "'projection' is not one of all, api, projections" }]);
  });
});
