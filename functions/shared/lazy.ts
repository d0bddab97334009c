/**
 * Defers building until first use and keeps the result: a handler module wires its adapters at module
 * scope (built once per process, on the first invocation) and importing it has no side effects.
 */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}
