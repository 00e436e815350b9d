// One instance per process of a module's state (a table, a throttle): Next.js can load a module once per
// bundle that uses it, and every copy must share the same state, or a revoked session would stay valid
// in the routes of another bundle.
import "server-only";

export function processWide<T>(name: string, create: () => T): T {
  const key = Symbol.for(name);
  const holder = globalThis as typeof globalThis & Record<symbol, unknown>;
  if (!(key in holder)) holder[key] = create();
  return holder[key] as T;
}
