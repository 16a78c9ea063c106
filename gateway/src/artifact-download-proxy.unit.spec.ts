import { downloadLinkProblem } from './artifact-download-proxy';

const token = (payload: unknown, signature = 'A'.repeat(43)) => `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
const now = new Date('2026-01-01T00:00:00Z');
const later = Math.floor(now.getTime() / 1000) + 600;

describe('downloadLinkProblem', () => {
  it('passes a link of the signed shape that has not expired (the service checks the signature)', () => {
    expect(downloadLinkProblem(`/artifacts/download/${token({ a: 'acme', s: 'x', n: 'f', e: later })}`, now)).toBeUndefined();
  });

  it.each([
    ['/artifacts/download/abc.def', 'not a Sluice download token'],
    [`/artifacts/download/${token({ e: later }, 'A'.repeat(42))}`, 'not a Sluice download token'],
    [`/artifacts/download/${'x'.repeat(3000)}.${'A'.repeat(43)}`, 'not a Sluice download token'],
    [`/artifacts/download/${token({ a: 'acme' })}`, 'not a Sluice download token'],
    [`/artifacts/download/${token('e')}`, 'not a Sluice download token'],
    [`/artifacts/download/${Buffer.from('{not json').toString('base64url')}.${'A'.repeat(43)}`, 'not a Sluice download token'],
    [`/artifacts/download/${token({ e: later - 1200 })}`, 'expired at 2025-12-31T23:50:00.000Z'],
    [`/artifacts/download/${token({ e: later })}/more`, 'not a Sluice download token'],
    ['/artifacts/acme', 'not a download link'],
  ])('refuses %s without asking the service', (path, problem) => {
    expect(downloadLinkProblem(path, now)).toContain(problem);
  });
});
