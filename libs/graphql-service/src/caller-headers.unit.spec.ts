import { callerFromHeaders } from './request-caller';

describe('callerFromHeaders', () => {
  it('reads the account, actor and principal the gateway set', () => {
    expect(callerFromHeaders({ 'x-sluice-account': 'acme', 'x-sluice-actor': 'alice', 'x-sluice-principal': 'alice' })).toEqual({ account: 'acme', actor: 'alice', principal: 'alice' });
  });

  it('refuses a request that names no account, instead of taking it for account default', () => {
    expect(() => callerFromHeaders({})).toThrow(/headers\.x-sluice-account: The request names no caller/);
    expect(() => callerFromHeaders({ 'x-sluice-actor': 'alice' })).toThrow(/names no caller/);
  });

  it('refuses an invalid account or actor, naming each header', () => {
    expect(() => callerFromHeaders({ 'x-sluice-account': 'Not An Account', 'x-sluice-actor': '' })).toThrow(/headers\.x-sluice-account[\s\S]*headers\.x-sluice-actor/);
  });
});
