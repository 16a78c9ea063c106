import { isDownloadPath } from './artifact-http-protocol';

describe('artifact HTTP routes', () => {
  it('tells a download link from the byte routes of an account named "download"', () => {
    expect(isDownloadPath('/artifacts/download/eyJhIjoiYSJ9.c2lnbmF0dXJl')).toBe(true);
    expect(isDownloadPath(`/artifacts/download/${'ab'.repeat(32)}`)).toBe(false);
    expect(isDownloadPath('/artifacts/download')).toBe(false);
    expect(isDownloadPath('/artifacts/download/')).toBe(false);
    expect(isDownloadPath('/artifacts/download/a/b')).toBe(false);
    expect(isDownloadPath('/artifacts/acme/x.y')).toBe(false);
  });
});
