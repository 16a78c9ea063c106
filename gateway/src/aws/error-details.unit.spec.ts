import { errorDetailsOf } from './codepipeline-operations';

describe("AWS's errorDetails from Sluice's failure text", () => {
  it('is { code, message } with the action error type as the code', () => {
    expect(errorDetailsOf('JobFailed: the greeting bounced')).toEqual({ code: 'JobFailed', message: 'the greeting bounced' });
    expect(errorDetailsOf('TimedOut: Commands timed out after 1.0 s\nLast output:\nx')).toEqual({ code: 'TimedOut', message: 'Commands timed out after 1.0 s\nLast output:\nx' });
  });

  it('keeps a text without a known type whole, and absent stays absent', () => {
    expect(errorDetailsOf('Something: else')).toEqual({ message: 'Something: else' });
    expect(errorDetailsOf(null)).toBeUndefined();
    expect(errorDetailsOf('')).toBeUndefined();
  });
});
