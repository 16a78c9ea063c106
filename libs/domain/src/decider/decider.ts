/**
 * The decider pattern (Emmett, Equinox): `decide` turns a command into events or throws a domain
 * error, `evolve` folds events into state. Both pure; `context` carries what a decision needs from
 * outside the stream, already loaded by the caller.
 */
export interface Decider<Command, Event, State, Context = undefined> {
  readonly initialState: State;
  decide(command: Command, state: State, context: Context): Event[];
  evolve(state: State, event: Event): State;
}

/** What every command carries from the request: nothing in domain/ reads a clock or makes an id. */
export interface CommandMetadata {
  /** ISO-8601 instant the command was received. */
  now: string;
  account: string;
  actor: string;
  correlationId: string;
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}

export function fold<State, Event>(decider: { initialState: State; evolve(state: State, event: Event): State }, events: readonly Event[]): State {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState);
}
