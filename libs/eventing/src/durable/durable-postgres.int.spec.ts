import { dropTestSchema, ensurePostgres, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { createPostgresEventStore } from '../postgres';
import { durableProjectionContract } from './durable-projection.contract';

const url = testPostgresUrl();
const schema = newTestSchema('durable');

beforeAll(() => ensurePostgres(url));
afterAll(() => dropTestSchema(schema, url));

durableProjectionContract('PostgreSQL', {
  open: () => createPostgresEventStore({ connectionString: url, schema, poolSize: 4 }),
  childStore: { kind: 'postgres', url, schema },
  exclusive: false,
});
