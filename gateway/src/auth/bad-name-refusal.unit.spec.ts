import { ResourceNameError } from '@sluice/domain';
import { argumentPathOf, badNameRefusal } from './bad-name-refusal';

describe('badNameRefusal', () => {
  it('names the argument that held the bad part, as BAD_USER_INPUT', () => {
    const error = new ResourceNameError('pipeline', 'a b', 'The pipeline name "a b" may contain only letters A-Z and a-z, digits, ".", "@", "-" and "_".');
    const refusal = badNameRefusal('getPipeline', error, { name: 'a b' }, { account: 'acme', pipeline: 'a b' });
    expect(refusal?.message).toBe('getPipeline(name: The pipeline name "a b" may contain only letters A-Z and a-z, digits, ".", "@", "-" and "_".)');
    expect(refusal?.extensions).toEqual({ code: 'BAD_USER_INPUT', issues: [{ path: 'name', code: 'invalid_name', message: error.problem }] });
  });

  it('finds a member of an input, and falls back to the part', () => {
    expect(argumentPathOf({ input: { pipeline: { name: 'x/y' } } }, 'x/y')).toBe('input.pipeline.name');
    const refusal = badNameRefusal('f', new ResourceNameError('stage', 'S\u202e', 'bad stage'), {}, { account: 'acme', pipeline: 'web', stage: 'S\u202e' });
    expect(refusal?.extensions.issues).toEqual([{ path: 'stage', code: 'invalid_name', message: 'bad stage' }]);
  });

  it('reads a RangeError about the account as the account argument, and leaves other faults alone', () => {
    expect(badNameRefusal('verifyAuditTrail', new RangeError('The account id "A B" …'), { account: 'A B' }, { account: 'A B' })?.extensions.issues).toEqual([
      { path: 'account', code: 'invalid_name', message: expect.stringContaining('"A B"') },
    ]);
    expect(badNameRefusal('getPipeline', new RangeError('"sluice:Nope" is not a Sluice action.'), { name: 'web' }, { account: 'acme', pipeline: 'web' })).toBeUndefined();
    expect(badNameRefusal('getPipeline', new TypeError('x'), { name: 'web' }, { account: 'acme', pipeline: 'web' })).toBeUndefined();
  });
});
