/**
 * How a reader meets an event written before its type changed. Stored events are never rewritten (the store is
 * the ledger): when a type's data changes shape, its writer starts writing the new shape and adds an upcaster
 * here that turns the old shape into the new one, so every reader (deciders' folds, projections, the gateway's
 * subscriptions) sees one shape. An upcaster may also rename a type. Upcasters of one type run in list order,
 * so a second change appends a second upcaster that starts from the first one's output.
 *
 * No published event has changed shape yet: `PUBLISHED_UPCASTERS` is empty, and `upcast` returns every event as
 * it was read (the same object).
 */
export interface Upcaster {
  /** The stored type it reads. */
  readonly type: string;
  /** Whether this stored event has the old shape (an event already in the new shape passes through untouched). */
  readonly applies: (data: unknown) => boolean;
  /** The event in the new shape: its type (the same, or the new name) and data. */
  readonly upcast: (data: unknown) => { type: string; data: unknown };
}

export const PUBLISHED_UPCASTERS: readonly Upcaster[] = [];

/** A reader's hook: the function that gives each event read in its current shape. */
export function upcasterFor(upcasters: readonly Upcaster[] = PUBLISHED_UPCASTERS): <E extends { type: string; data: unknown }>(event: E) => E {
  const byType = new Map<string, Upcaster[]>();
  for (const upcaster of upcasters) byType.set(upcaster.type, [...(byType.get(upcaster.type) ?? []), upcaster]);
  return (event) => {
    let current = event;
    const seen = new Set<Upcaster>();
    for (let chain = byType.get(current.type); chain; chain = byType.get(current.type)) {
      const next = chain.find((upcaster) => !seen.has(upcaster) && upcaster.applies(current.data));
      if (!next) break;
      seen.add(next);
      const { type, data } = next.upcast(current.data);
      current = { ...current, type, data };
    }
    return current;
  };
}

/** Every published upcaster applied: the event as a reader of today's contracts expects it. */
export const upcast = upcasterFor();
