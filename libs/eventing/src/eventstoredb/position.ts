import type { Position } from '@kurrent/kurrentdb-client';

/**
 * Sluice exposes a position in $all as one bigint: the event's commit position.
 * Every event this adapter writes is an implicit (gRPC) write, for which the server records
 * commit === prepare === the event's log position, so the pair is rebuilt as { commit: p, prepare: p }.
 * Positions are sparse log offsets: order them, never add to them.
 */
export function positionToBigInt(position: Position): bigint {
  return position.commit;
}

export function bigIntToPosition(position: bigint): Position {
  return { commit: position, prepare: position };
}
