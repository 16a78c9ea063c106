import { DeliveryRejected } from './delivery-rejected';

export type JsonObject = { [key: string]: unknown };

export function parseJsonObject(rawBody: Buffer): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(rawBody.toString('utf8'));
  } catch (error) {
    throw new DeliveryRejected(400, `malformed JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw new DeliveryRejected(400, 'malformed payload: the body is not a JSON object');
  return value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(payload: JsonObject, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split('.')) value = isObject(value) ? value[key] : undefined;
  return value;
}

/** A required string field; the 400 names its path. */
export function requiredString(payload: JsonObject, path: string): string {
  const value = at(payload, path);
  if (typeof value !== 'string' || value === '') throw new DeliveryRejected(400, `malformed payload: ${path} must be a non-empty string`);
  return value;
}

export function optionalString(payload: JsonObject, path: string): string | undefined {
  const value = at(payload, path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function stringArray(payload: JsonObject, path: string): string[] | undefined {
  const value = at(payload, path);
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new DeliveryRejected(400, `malformed payload: ${path} must be an array of strings`);
  }
  return value;
}

export function objectArray(payload: JsonObject, path: string): JsonObject[] {
  const value = at(payload, path);
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isObject)) throw new DeliveryRejected(400, `malformed payload: ${path} must be an array of objects`);
  return value;
}

/** The files a push touched: the union of its commits' added, modified and removed lists. */
export function changedFilesOfCommits(payload: JsonObject): string[] {
  const files = new Set<string>();
  for (const commit of objectArray(payload, 'commits')) {
    for (const list of ['added', 'modified', 'removed']) {
      for (const file of stringArray(commit, list) ?? []) files.add(file);
    }
  }
  return [...files];
}
