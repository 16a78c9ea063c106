import { GroupCommitQueue } from './group-commit';

describe('GroupCommitQueue', () => {
  const recording = (answer: (items: number[]) => (number | Error)[] | Promise<(number | Error)[]>) => {
    const groups: number[][] = [];
    const commit = async (items: number[]) => {
      groups.push(items);
      await new Promise((r) => setTimeout(r, 5));
      return answer(items);
    };
    return { groups, commit };
  };

  it('sends items submitted in one tick as one group, and items submitted during a commit as the next', async () => {
    const { groups, commit } = recording((items) => items.map((i) => i * 10));
    const queue = new GroupCommitQueue(commit, { maxItems: 100, maxWeight: 1000 });
    const first = [1, 2, 3].map((i) => queue.submit(i, 1));
    await new Promise((r) => setTimeout(r, 1));
    const second = [4, 5].map((i) => queue.submit(i, 1));
    await expect(Promise.all([...first, ...second])).resolves.toEqual([10, 20, 30, 40, 50]);
    expect(groups).toEqual([[1, 2, 3], [4, 5]]);
  });

  it('cuts groups by count and by weight (an item heavier than the limit goes alone)', async () => {
    const { groups, commit } = recording((items) => items);
    const queue = new GroupCommitQueue(commit, { maxItems: 2, maxWeight: 10 });
    await Promise.all([queue.submit(1, 1), queue.submit(2, 1), queue.submit(3, 1), queue.submit(4, 50), queue.submit(5, 1)]);
    expect(groups).toEqual([[1, 2], [3, 4], [5]]);
    const { groups: byWeight, commit: commit2 } = recording((items) => items);
    const heavy = new GroupCommitQueue(commit2, { maxItems: 10, maxWeight: 10 });
    await Promise.all([heavy.submit(1, 20), heavy.submit(2, 5), heavy.submit(3, 5), heavy.submit(4, 5)]);
    expect(byWeight).toEqual([[1], [2, 3], [4]]);
  });

  it('fails only the item whose outcome is an error', async () => {
    const { commit } = recording((items) => items.map((i) => (i === 2 ? new Error('conflict') : i)));
    const queue = new GroupCommitQueue(commit, { maxItems: 10, maxWeight: 100 });
    const outcomes = await Promise.allSettled([1, 2, 3].map((i) => queue.submit(i, 1)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('retries a failed group one item at a time, so a bad item fails alone', async () => {
    const { groups, commit } = recording((items) => {
      if (items.includes(2)) throw new Error('bad item');
      return items;
    });
    const queue = new GroupCommitQueue(commit, { maxItems: 10, maxWeight: 100 });
    const outcomes = await Promise.allSettled([1, 2, 3].map((i) => queue.submit(i, 1)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(groups).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('idle() waits for every submitted item', async () => {
    const { commit } = recording((items) => items);
    const queue = new GroupCommitQueue(commit, { maxItems: 1, maxWeight: 100 });
    let settled = 0;
    for (let i = 0; i < 3; i++) void queue.submit(i, 1).then(() => settled++);
    await queue.idle();
    await Promise.resolve();
    expect(settled).toBe(3);
  });
});
