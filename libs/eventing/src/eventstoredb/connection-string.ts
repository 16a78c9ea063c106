import { EventStoreInputError } from '../errors';

const SCHEME = /^(esdb|kurrentdb|kurrent|kdb)(\+discover)?:\/\//;

/**
 * Accepts the `esdb://` strings of EventStoreDB-era configuration and hands the client the
 * `kurrentdb://` spelling, which it parses identically without a deprecation warning on every start.
 */
export function toKurrentDbConnectionString(connectionString: string): string {
  const match = SCHEME.exec(connectionString.trim());
  if (!match) {
    throw new EventStoreInputError(
      'connectionString',
      'must start with kurrentdb://, kurrentdb+discover://, esdb:// or esdb+discover://',
    );
  }
  const scheme = match[1] === 'esdb' ? 'kurrentdb' : match[1];
  return `${scheme}${match[2] ?? ''}://${connectionString.trim().slice(match[0].length)}`;
}
