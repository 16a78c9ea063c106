export interface GroupLimits {
  /** Most items (appends) in one group. */
  maxItems: number;
  /** A group is closed once its weight (e.g. bytes of event JSON) reaches this; one item may exceed it alone. */
  maxWeight: number;
}

/** Commits a group; answers one outcome per item, in order (an Error outcome fails only its item). */
export type CommitGroup<TItem, TResult> = (items: TItem[]) => Promise<(TResult | Error)[]>;

interface Pending<TItem, TResult> {
  item: TItem;
  weight: number;
  resolve: (result: TResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted while a commit is running wait and go together in the next one,
 * in submission order. Appends are serialized by the store anyway, so one commit at a time costs
 * nothing and turns N round trips and N WAL flushes into one. If a whole group fails (not one
 * item's outcome), its items are retried one by one so a bad item fails alone.
 */
export class GroupCommitQueue<TItem, TResult> {
  private readonly queue: Pending<TItem, TResult>[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly commit: CommitGroup<TItem, TResult>,
    private readonly limits: GroupLimits,
  ) {}

  submit(item: TItem, weight: number): Promise<TResult> {
    return new Promise<TResult>((resolve, reject) => {
      this.queue.push({ item, weight, resolve, reject });
      // Started on a microtask so that appends issued in the same tick share the first group.
      this.draining ??= Promise.resolve().then(() => this.drain());
    });
  }

  /** Resolves when every submitted item has been committed or failed. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.commitGroup(this.takeGroup());
    } finally {
      this.draining = undefined;
    }
  }

  private takeGroup(): Pending<TItem, TResult>[] {
    let weight = 0;
    let count = 0;
    while (count < this.queue.length && count < this.limits.maxItems && (count === 0 || weight < this.limits.maxWeight)) {
      weight += this.queue[count]!.weight;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async commitGroup(group: Pending<TItem, TResult>[]): Promise<void> {
    let outcomes: (TResult | Error)[];
    try {
      outcomes = await this.commit(group.map((p) => p.item));
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      for (const one of group) await this.commitGroup([one]);
      return;
    }
    group.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome instanceof Error) p.reject(outcome);
      else p.resolve(outcome as TResult);
    });
  }
}
