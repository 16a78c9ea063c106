import { artifactStreamId, type ArtifactEvent } from '@sluice/contracts';
import type { EventStore } from '@sluice/eventing';
import type { ArtifactClaims } from '../domain';

/**
 * The claims on addresses (docs/decisions/0027), from the two places that know them: the artifacts service's
 * `artifact-{sha256}` stream (an account that uploaded the bytes through `PUT /artifacts/{account}`, or whose
 * output it recorded; a release or a collection ends claims, as its read rule says), and this engine's own
 * executions (their read model's claims, and those folded in memory since the start), which know an output the moment
 * it is produced.
 */
export class ArtifactClaimsReader {
  constructor(
    private readonly store: EventStore,
    private readonly executions: (addresses: readonly string[]) => Promise<ReadonlyMap<string, ReadonlySet<string>>>,
  ) {}

  async claimsOn(addresses: Iterable<string>): Promise<ArtifactClaims> {
    const unique = [...new Set(addresses)];
    const claims = new Map<string, ReadonlySet<string>>();
    const ofExecutions = unique.length > 0 ? await this.executions(unique) : new Map<string, ReadonlySet<string>>();
    await Promise.all(
      unique.map(async (address) => {
        const accounts = await this.uploadsAndRecords(address);
        for (const account of ofExecutions.get(address) ?? []) accounts.add(account);
        claims.set(address, accounts);
      }),
    );
    return claims;
  }

  private async uploadsAndRecords(address: string): Promise<Set<string>> {
    const accounts = new Set<string>();
    for (const event of (await this.store.readStream(artifactStreamId(address))) as unknown as ArtifactEvent[]) {
      switch (event.type) {
        case 'ArtifactUploaded':
          accounts.add(event.data.account);
          break;
        case 'ArtifactRecorded':
          if (event.data.size !== null) accounts.add(event.data.account);
          break;
        case 'ArtifactReleased':
          accounts.delete(event.data.account);
          break;
        case 'ArtifactCollected':
          accounts.clear();
          break;
        default:
          break;
      }
    }
    return accounts;
  }
}
