import { partitionForKey } from './partition-for-key';

// kafkajs's default partitioner, to check both adapters put a key on the same partition.
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: string) => number;

describe('partitionForKey', () => {
  it('agrees with the partition kafkajs computes for the same key', () => {
    const keys = ['', 'a', 'ab', 'abc', 'abcd', 'pipeline-acme.web', 'execution-8d1f', 'ünïcødé-ключ', ...Array.from({ length: 200 }, (_, i) => `key-${i}`)];
    for (const partitions of [1, 3, 7]) {
      for (const key of keys) {
        expect([key, partitionForKey(key, partitions)]).toEqual([key, (kafkajsMurmur2(key) & 0x7fffffff) % partitions]);
      }
    }
  });

  it('spreads keys over every partition', () => {
    const used = new Set(Array.from({ length: 100 }, (_, i) => partitionForKey(`key-${i}`, 3)));
    expect(used).toEqual(new Set([0, 1, 2]));
  });
});
