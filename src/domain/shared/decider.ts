/** A pure aggregate: decide what happens, then fold what happened into state. */
export interface Decider<State, Command, Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
  /**
   * Set for aggregates whose streams grow long: their state may be saved with the version it is
   * valid at, under this name of its shape (change it whenever the state or `evolve` changes).
   */
  readonly snapshotSchema?: string;
}

export const assertNever = (value: never): never => {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
};
