import { dropTestSchema, newTestSchema as newSchema } from '@sluice/testing';

/** A fresh PostgreSQL schema name for one test file's event store. */
export const newTestSchema = (): string => newSchema('executions');

export { dropTestSchema };
