/** A policy picks an action from an observation (what a human player sees), never from the game's state. */
export interface Policy {
  readonly name: string;
  /** Called at the start of each episode; policies with memory clear it here. */
  reset(seed: number): void;
  act(observation: Uint8Array): number;
}
