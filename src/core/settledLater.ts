/**
 * A read started ahead of its use, so that independent git questions run at once: a failure surfaces where
 * it is awaited (in the order the code asks), not as an unhandled rejection first.
 */
export function settledLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
