import { dropTestSchema, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { createPostgresEventStore, type PostgresEventStore } from '../postgres';
import type { RecordedEvent } from '../event-store';
import { categoriesOf, readAllPage } from './read-all';
import { statements } from './statements';

// A prefix filter read through the category index (decision 0068) returns exactly what the windowed scan and a
// plain filter of the store return, in position order, page after page.
const schema = newTestSchema('categories');
let store: PostgresEventStore;

beforeAll(async () => {
  store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  const streams = ['execution-1', 'job-1', 'execution-2', 'executionx-1', 'expired-execution-1', 'expired-other-1', 'lanes-a.b', 'execution-3', 'job-2', 'plain'];
  for (let round = 0; round < 6; round += 1) {
    for (const stream of streams) await store.append(stream, [{ type: 'Happened', data: { round } }]);
  }
});
afterAll(async () => {
  await store.close();
  await dropTestSchema(schema);
});

async function pages(prefixes: string[], limit: number): Promise<RecordedEvent[]> {
  const sql = statements(schema);
  const read: RecordedEvent[] = [];
  for (let after = 0n, pages = 0; ; pages += 1) {
    const page = await readAllPage(store.database, sql, after, limit, prefixes);
    read.push(...page.events);
    after = page.next;
    if (page.atHead) return read;
    if (pages > 1000) throw new Error('no end');
  }
}

describe('reading $all by stream categories', () => {
  it('names the categories of category-shaped prefixes only, dropping a prefix another one extends', () => {
    expect(categoriesOf(['execution-', 'job-'])).toEqual([{ category: 'execution', prefix: 'execution-' }, { category: 'job', prefix: 'job-' }]);
    expect(categoriesOf(['execution-', 'execution-abc', 'expired-execution-'])).toEqual([{ category: 'execution', prefix: 'execution-' }, { category: 'expired', prefix: 'expired-execution-' }]);
    expect(categoriesOf(['execution-', 'plain'])).toBeUndefined();
    expect(categoriesOf([])).toBeUndefined();
  });

  it.each([
    [['execution-']],
    [['execution-', 'job-']],
    [['expired-execution-', 'lanes-', 'execution-', 'job-']],
    [['execution-2', 'execution-']],
    [['executionx-']],
    [['expired-']],
    [['nothing-']],
    [['execution-', 'plain']],
  ])('%j: the same events as a filter of the store, in order, with pages of 1, 4 and 500', async (prefixes) => {
    const expected = (await store.readAll()).filter((event) => prefixes.some((prefix) => event.streamId.startsWith(prefix)));
    for (const limit of [1, 4, 500]) {
      const read = await pages(prefixes, limit);
      expect({ limit, read: read.map((event) => `${event.position} ${event.streamId}`) }).toEqual({ limit, read: expected.map((event) => `${event.position} ${event.streamId}`) });
    }
  });
});
