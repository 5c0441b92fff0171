/**
 * The shapes every task stream speaks. Images are kept as bytes (0-255, NHWC, row-major) so ten permuted copies
 * of MNIST fit comfortably in memory; batches are converted to floats in [0, 1] when they are drawn.
 */
export type Scenario = 'task' | 'domain' | 'class';
export type ImageShape = readonly [height: number, width: number, channels: number];

/** n inputs without labels: what a generator learns to draw, and what a regulariser measures its weights on. */
export interface Inputs {
  /** n images, each height*width*channels bytes, NHWC. */
  readonly x: Uint8Array;
  readonly n: number;
  readonly shape: ImageShape;
  /** What a byte is divided by to give an input in [0, 1]: 255 for pixels (the default), 1 for the 0/1 cells of
   *  a game's observation grid (the RL agent's observations go through the same code). */
  readonly scale?: number;
}

export interface Dataset extends Inputs {
  /** n labels, already mapped to the stream's output units (see Task.units). */
  readonly y: Uint8Array;
}

export interface Task {
  /** 0-based position in the stream. */
  readonly index: number;
  /** Human-readable, e.g. "digits 2/3" or "permutation 4". */
  readonly name: string;
  readonly train: Dataset;
  readonly test: Dataset;
  /** The output units this task's labels use (task-IL: its own head; class-IL: its classes; domain-IL: all). */
  readonly units: readonly number[];
}

export interface TaskStream {
  /** e.g. "split-mnist", "permuted-mnist", "mnist-synthetic". */
  readonly name: string;
  readonly scenario: Scenario;
  /** Width of the solver's output layer. */
  readonly outputs: number;
  readonly shape: ImageShape;
  readonly tasks: readonly Task[];
}
