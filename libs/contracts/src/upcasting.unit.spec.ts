import { upcast, upcasterFor, type Upcaster } from './upcasting';

// A changed event, as the next one will be: ActionLogAppended's `chunk` became `text`, then the type was renamed.
const chunkToText: Upcaster = {
  type: 'ActionLogAppended',
  applies: (data) => typeof data === 'object' && data !== null && 'chunk' in data,
  upcast: (data) => {
    const { chunk, ...rest } = data as { chunk: string };
    return { type: 'ActionLogAppended', data: { ...rest, text: chunk } };
  },
};
const renamed: Upcaster = { type: 'ActionLogAppended', applies: () => true, upcast: (data) => ({ type: 'ActionOutputAppended', data }) };

describe('upcasting', () => {
  const stored = { type: 'ActionLogAppended', data: { jobId: 'j', chunk: 'hello' }, position: 7n };

  it('gives an event of the old shape in the new one, keeping what the store said of it', () => {
    expect(upcasterFor([chunkToText])(stored)).toEqual({ type: 'ActionLogAppended', data: { jobId: 'j', text: 'hello' }, position: 7n });
  });

  it('runs the upcasters of a type in order, following a renamed type, and leaves the stored event as it was', () => {
    expect(upcasterFor([chunkToText, renamed])(stored)).toEqual({ type: 'ActionOutputAppended', data: { jobId: 'j', text: 'hello' }, position: 7n });
    expect(stored.data).toEqual({ jobId: 'j', chunk: 'hello' });
  });

  it('passes an event already in the new shape, and any other type, through as the same object', () => {
    const current = { type: 'ActionLogAppended', data: { jobId: 'j', text: 'hi' } };
    const onlyShape = upcasterFor([chunkToText]);
    expect(onlyShape(current)).toBe(current);
    const other = { type: 'JobCreated', data: {} };
    expect(onlyShape(other)).toBe(other);
  });

  it('publishes no upcaster while no published event has changed: every event reads as stored', () => {
    expect(upcast(stored)).toBe(stored);
  });
});
