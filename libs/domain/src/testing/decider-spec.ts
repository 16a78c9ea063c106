import type { Decider } from '../decider/decider';

type ErrorClass = abstract new (...args: never[]) => Error;

export interface DeciderSpecWhen<Event> {
  then(expected: Event[]): void;
  thenThrows(errorClass: ErrorClass, matching?: (error: Error) => void): void;
  thenNothingHappened(): void;
}

/**
 * Decider tests read as a sentence:
 * `given([executionStarted, stageEntered]).when(failAction).then([actionFailed, stageFailed])`.
 */
export function deciderSpec<Command, Event, State, Context>(decider: Decider<Command, Event, State, Context>, context: Context) {
  return function given(events: Event[]) {
    const state = events.reduce((current, event) => decider.evolve(current, event), decider.initialState);
    return {
      when(command: Command): DeciderSpecWhen<Event> {
        const run = () => decider.decide(command, state, context);
        return {
          then(expected) {
            expect(run()).toEqual(expected);
          },
          thenThrows(errorClass, matching) {
            let thrown: unknown;
            try {
              const events = run();
              thrown = new Error(`expected ${errorClass.name}, but the decider returned ${JSON.stringify(events)}`);
            } catch (error) {
              thrown = error;
            }
            expect(thrown).toBeInstanceOf(errorClass);
            matching?.(thrown as Error);
          },
          thenNothingHappened() {
            expect(run()).toEqual([]);
          },
        };
      },
    };
  };
}
