/**
 * A small run-time shape check for the data on the commit's hot path: the working ledger's records and the
 * observations in them, which dist/hook.js reads on every commit, where a schema library's size and start-up
 * are the budget (issue 11). The policy and approval statements keep zod, whose messages and JSON Schema they
 * need. Same contract as the zod calls it replaced: `safeParse` gives the value rebuilt with only the declared
 * keys (unknown keys dropped, absent optional keys absent) or the first problem with its JSON path.
 */
export type ShapePath = Array<string | number>;
export interface ShapeIssue {
  path: ShapePath;
  message: string;
}
export type ShapeResult<T> = { success: true; data: T } | { success: false; error: { issues: ShapeIssue[] } };

export interface Shape<T> {
  /** Throws ShapeFailure; use safeParse. */
  read(value: unknown, path: ShapePath): T;
  safeParse(value: unknown): ShapeResult<T>;
  /** Set by `optional`: an object key that may be absent. */
  readonly optional?: true;
}

class ShapeFailure {
  constructor(readonly issue: ShapeIssue) {}
}

function shape<T>(read: (value: unknown, path: ShapePath) => T, optional?: true): Shape<T> {
  return {
    read,
    ...(optional ? { optional } : {}),
    safeParse(value) {
      try {
        return { success: true, data: read(value, []) };
      } catch (e) {
        if (e instanceof ShapeFailure) return { success: false, error: { issues: [e.issue] } };
        throw e;
      }
    },
  };
}

function fail(path: ShapePath, message: string): never {
  throw new ShapeFailure({ path: [...path], message });
}

function received(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sets own key `k` even when it is `__proto__` (a key JSON.parse gives as an own property). */
function put(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

export const string: Shape<string> = shape((v, p) =>
  typeof v === 'string' ? v : fail(p, `expected string, received ${received(v)}`),
);

export const number: Shape<number> = shape((v, p) =>
  typeof v === 'number' && Number.isFinite(v) ? v : fail(p, `expected number, received ${received(v)}`),
);

export const boolean: Shape<boolean> = shape((v, p) =>
  typeof v === 'boolean' ? v : fail(p, `expected boolean, received ${received(v)}`),
);

/** A safe integer of at least `min`. */
export function integer(min: number): Shape<number> {
  return shape((v, p) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return fail(p, `expected int, received ${received(v)}`);
    return v >= min ? v : fail(p, `too small: expected number to be >=${min}`);
  });
}

export function literal<const T extends string | number | boolean>(value: T): Shape<T> {
  return shape((v, p) => (v === value ? value : fail(p, `invalid input: expected ${JSON.stringify(value)}`)));
}

export function oneOf<const T extends string>(values: readonly T[]): Shape<T> {
  return shape((v, p) =>
    (values as readonly unknown[]).includes(v)
      ? (v as T)
      : fail(p, `invalid option: expected one of ${values.map((x) => JSON.stringify(x)).join('|')}`),
  );
}

export function optional<T>(inner: Shape<T>): Shape<T | undefined> {
  return shape((v, p) => (v === undefined ? undefined : inner.read(v, p)), true);
}

export function nullable<T>(inner: Shape<T>): Shape<T | null> {
  return shape((v, p) => (v === null ? null : inner.read(v, p)));
}

export function array<T>(item: Shape<T>): Shape<T[]> {
  return shape((v, p) => {
    if (!Array.isArray(v)) return fail(p, `expected array, received ${received(v)}`);
    return v.map((x, i) => item.read(x, [...p, i]));
  });
}

export function tuple<A, B>(a: Shape<A>, b: Shape<B>): Shape<[A, B]> {
  return shape((v, p) => {
    if (!Array.isArray(v)) return fail(p, `expected tuple, received ${received(v)}`);
    if (v.length !== 2) return fail(p, `expected a tuple of 2 items, received ${v.length}`);
    return [a.read(v[0], [...p, 0]), b.read(v[1], [...p, 1])];
  });
}

/** An object with string keys and values of one shape. */
export function record<T>(value: Shape<T>): Shape<Record<string, T>> {
  return shape((v, p) => {
    if (!isPlainObject(v)) return fail(p, `expected record, received ${received(v)}`);
    const out: Record<string, T> = {};
    for (const k of Object.keys(v)) put(out, k, value.read(v[k], [...p, k]));
    return out;
  });
}

type Fields<T> = { [K in keyof T]-?: Shape<T[K]> };

export function object<T extends object>(fields: Fields<T>): Shape<T> {
  const keys = Object.keys(fields) as Array<keyof T & string>;
  return shape((v, p) => {
    if (!isPlainObject(v)) return fail(p, `expected object, received ${received(v)}`);
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const f = fields[k] as Shape<unknown>;
      if (f.optional && v[k] === undefined) continue;
      put(out, k, f.read(v[k], [...p, k]));
    }
    return out as T;
  });
}

/** One of several object shapes, chosen by the string value of `key` (its problem is reported at `key`). */
export function discriminated<T extends object>(key: string, options: Record<string, Shape<T>>): Shape<T> {
  return shape((v, p) => {
    if (!isPlainObject(v)) return fail(p, `expected object, received ${received(v)}`);
    const tag = v[key];
    const option =
      typeof tag === 'string' && Object.prototype.hasOwnProperty.call(options, tag) ? options[tag] : undefined;
    if (!option)
      return fail(
        [...p, key],
        `invalid input: expected one of ${Object.keys(options)
          .map((x) => JSON.stringify(x))
          .join('|')}`,
      );
    return option.read(v, p);
  });
}
