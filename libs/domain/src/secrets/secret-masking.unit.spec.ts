import { maskSecrets, secretForms, StreamMasker } from './secret-masking';

const secret = 'p@ss w/rd+=';
const base64 = Buffer.from(secret).toString('base64');

describe('secret masking', () => {
  it('masks the value, its base64 (padded or not, url-safe) and URL-encoded forms', () => {
    const forms = secretForms([secret]);
    const text = `plain ${secret} b64 ${base64} nopad ${base64.replace(/=+$/, '')} url ${encodeURIComponent(secret)} safe ${Buffer.from(secret).toString('base64url')}`;
    const masked = maskSecrets(text, forms);
    expect(masked).toBe('plain *** b64 *** nopad *** url *** safe ***');
  });

  it('leaves values too short to mask alone, and text without secrets as it is', () => {
    expect(secretForms(['on', ''])).toEqual([]);
    expect(maskSecrets('on and off', secretForms(['on']))).toBe('on and off');
  });

  it('masks a value split across chunks, holding back only what could begin one', () => {
    const masker = new StreamMasker(secretForms(['hunter22']));
    const out = [masker.write('user=alice pw=hun'), masker.write('ter'), masker.write('22 done\npw=hu'), masker.write('mble\n'), masker.end()].join('');
    expect(out).toBe('user=alice pw=*** done\npw=humble\n');
    // Text that cannot begin a secret is passed on at once.
    expect(new StreamMasker(secretForms(['hunter22'])).write('no secret here\n')).toBe('no secret here\n');
  });

  it('passes a value on masked once it is whole, and what is held back at the end of the stream', () => {
    const masker = new StreamMasker(secretForms(['hunter22']));
    expect(masker.write('x hunter2')).toBe('x ');
    expect(masker.write('2 y hunt')).toBe('*** y ');
    expect(masker.end()).toBe('hunt');
  });
});
