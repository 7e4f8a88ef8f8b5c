import type { Decider } from '../../src/domain/shared/decider';
import { DomainError } from '../../src/domain/shared/domain-error';

export interface DeciderThen<E> {
  /** The command decides exactly these events. */
  then(expected: E[]): void;
  /** The command is accepted and changes nothing (an idempotent repeat). */
  thenNothingHappens(): void;
  /** The command breaks a rule: a DomainError with this code, and no events. */
  thenFailsWith(code: string): void;
}

/**
 * Given/when/then for a decider, modelled on Emmett's DeciderSpecification:
 * `specFor(decider)(givenEvents).when(command).then(events)`.
 */
export const specFor =
  <S, C, E>(decider: Decider<S, C, E>) =>
  (given: E[]) => ({
    when: (command: C): DeciderThen<E> => {
      const run = (): E[] => {
        const state = given.reduce((current, event) => decider.evolve(current, event), decider.initialState());
        return decider.decide(command, state);
      };
      return {
        then: (expected) => expect(run()).toEqual(expected),
        thenNothingHappens: () => expect(run()).toEqual([]),
        thenFailsWith: (code) => {
          let decided: E[] | undefined;
          let failure: unknown;
          try {
            decided = run();
          } catch (error) {
            failure = error;
          }
          expect(decided).toBeUndefined();
          expect(failure).toBeInstanceOf(DomainError);
          expect(failure).toMatchObject({ code });
        },
      };
    },
  });
