/**
 * The Q-network: MinAtar's DQN (Young & Tian 2019) on the shared observation layout — one 3×3 convolution of 16
 * filters over the 10×10×7 grid ('same' padding, ReLU), a dense layer of 128 ReLU units and one linear output per
 * action. It takes flat rows of 700 cells like core's solvers take flat rows of pixels, so it plugs into core's
 * Solver (its optimiser, checkpoints and the scholar's weight copy) unchanged.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../core/engine/random.ts';
import { Conv2d } from '../core/nn/conv.ts';
import { Dense } from '../core/nn/dense.ts';
import { Solver, type Network } from '../core/solvers/solver.ts';
import type { AdamSettings } from '../core/nn/adam.ts';
import { CHANNEL_COUNT, GRID, OBSERVATION_SIZE } from '../env/layout.ts';
import { ACTIONS } from '../env/types.ts';
import type { NetworkSettings } from './config.ts';

export const ACTION_COUNT = ACTIONS.length;
/** Every action's output unit: the units a regulariser measures the Q-network over. */
export const ACTION_UNITS: readonly number[] = ACTIONS.map((_, a) => a);

export class QNetwork implements Network {
  private readonly conv: Conv2d;
  private readonly hidden: Dense;
  private readonly out: Dense;

  /** `frozenFeatures`: its optimiser trains the dense layers only, the convolution stays as set (hidden replay,
   *  ./hidden-features.ts, keeps it as the first game's learner left it). */
  constructor(
    settings: NetworkSettings,
    rng: Rng,
    private readonly frozenFeatures = false,
  ) {
    this.conv = new Conv2d(CHANNEL_COUNT, settings.channels, 3, 1, rng);
    this.hidden = new Dense(GRID * GRID * settings.channels, settings.hidden, 'relu', rng);
    this.out = new Dense(settings.hidden, ACTION_COUNT, 'linear', rng);
  }

  /** Q-values [n, 6] of observations given as [n, 700] rows of 0/1. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return this.head(this.features(x));
  }

  /** The convolution's features [n, 100 · channels] (ReLU, flat HWC) of observations [n, 700]. */
  features(x: tf.Tensor2D): tf.Tensor2D {
    const n = x.shape[0];
    const grid = tf.reshape(x, [n, GRID, GRID, CHANNEL_COUNT]) as tf.Tensor4D;
    return tf.reshape(this.conv.apply(grid), [n, -1]) as tf.Tensor2D;
  }

  /** Q-values [n, 6] from the convolution's features: the layers above it. */
  head(features: tf.Tensor2D): tf.Tensor2D {
    return this.out.apply(this.hidden.apply(features));
  }

  /** The convolution's weights (a learner's, to be copied into a scholar that replays its features). */
  featureVariables(): tf.Variable[] {
    return this.conv.variables();
  }

  variables(): tf.Variable[] {
    return [...this.conv.variables(), ...this.hidden.variables(), ...this.out.variables()];
  }

  trainable(): tf.Variable[] {
    return this.frozenFeatures ? [...this.hidden.variables(), ...this.out.variables()] : this.variables();
  }
}

/** The QNetwork of a Q-network solver (every solver of the RL agent is one). */
export function qNetworkOf(solver: Solver): QNetwork {
  if (!(solver.network instanceof QNetwork)) throw new Error('qNetworkOf: the solver is not a Q-network');
  return solver.network;
}

/** A Q-network with its Adam optimiser, as a core Solver (outputs: one per action). */
export function createQSolver(network: NetworkSettings, adam: AdamSettings, rng: Rng, frozenFeatures = false): Solver {
  return new Solver(new QNetwork(network, rng, frozenFeatures), ACTION_COUNT, adam);
}

/** Observations (n × 700 bytes of 0/1) as a float tensor [n, 700]. */
export function observationTensor(observations: Uint8Array, n: number): tf.Tensor2D {
  if (observations.length < n * OBSERVATION_SIZE) throw new Error(`observationTensor: ${observations.length} bytes for ${n} observations`);
  const view = observations.length === n * OBSERVATION_SIZE ? observations : observations.subarray(0, n * OBSERVATION_SIZE);
  return tf.tensor2d(Float32Array.from(view), [n, OBSERVATION_SIZE]);
}

/**
 * Greedy actions and the Q-values of a batch of observations (one forward pass). The argmax is taken here from
 * the values read back anyway (first of equal maxima, as tf.argMax): a kernel and a second read cost more than
 * six comparisons per row when acting for 16 games every step.
 */
export function greedy(q: Solver, observations: Uint8Array, n: number): { actions: Int32Array; qValues: Float32Array } {
  const values = tf.tidy(() => q.logits(observationTensor(observations, n)));
  const qValues = values.dataSync() as Float32Array;
  values.dispose();
  const actions = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let a = 1; a < ACTION_COUNT; a++) if (qValues[i * ACTION_COUNT + a] > qValues[i * ACTION_COUNT + best]) best = a;
    actions[i] = best;
  }
  return { actions, qValues };
}
