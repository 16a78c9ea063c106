import { validationException } from './aws-errors';

/** Reading the members of an AWS JSON 1.1 request, and writing its answer, as CodePipeline does. */

export type Json = Record<string, any>;

/** Epoch seconds (with milliseconds as the fraction) of an ISO-8601 instant; absent stays absent. */
export const epoch = (iso: string | null | undefined): number | undefined => (iso ? Date.parse(iso) / 1000 : undefined);

/** Drops null and undefined members: AWS omits what it does not have. */
export function compact<T extends Json>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

export function requiredString(input: Json, path: string): string {
  const value = input[path];
  if (value === undefined || value === null) throw validationException([{ path, value, constraint: 'Member must not be null' }]);
  if (typeof value !== 'string' || value.length === 0) throw validationException([{ path, value, constraint: 'Member must be a non-empty string' }]);
  return value;
}

export function requiredObject(input: Json, path: string): Json {
  const value = input[path];
  if (value === undefined || value === null) throw validationException([{ path, value, constraint: 'Member must not be null' }]);
  if (typeof value !== 'object' || Array.isArray(value)) throw validationException([{ path, value, constraint: 'Member must be a structure' }]);
  return value as Json;
}

export const optionalString = (input: Json, path: string): string | undefined => {
  const value = input[path];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationException([{ path, value, constraint: 'Member must be a string' }]);
  return value;
};
