import { CountersignError } from '../errors';

/**
 * Agents' settings files as JSON values, and the two lookups `connect` makes into them: a missing container
 * is created, one of the wrong type is an error naming the file (the file is then left untouched).
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function objectAt(parent: JsonObject, key: string, file: string): JsonObject {
  const v = parent[key];
  if (v === undefined || v === null) {
    const o: JsonObject = {};
    parent[key] = o;
    return o;
  }
  if (!isObject(v)) {
    throw new CountersignError('config', `${file}: "${key}" is not an object; it was left untouched`);
  }
  return v;
}

export function arrayAt(parent: JsonObject, key: string, file: string): Json[] {
  const v = parent[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    throw new CountersignError('config', `${file}: hooks "${key}" is not a list; it was left untouched`);
  }
  return v;
}
