/**
 * The arms of the RL comparison, one table as core/arms.ts is for classification: each arm is a replay source
 * (what s' is and who teaches it, one file each in this folder) and/or a regulariser on the scholar's Q-network
 * (core/regularisers, the same EWC, online EWC and SI as the classification arms). Whether the scholar keeps a
 * generator follows from the source: only Dreams and HiddenDreams read one. Adding an arm is one entry here plus its
 * source's file (docs/RL.md, "Adding an arm").
 */
import type { RegulariserName } from '../../core/arms.ts';
import { CurrentFrames } from './current-frames.ts';
import { Dreams } from './dreams.ts';
import { HiddenDreams } from './hidden-dreams.ts';
import { NoReplay } from './no-replay.ts';
import { Noise } from './noise.ts';
import { PastFrames } from './past-frames.ts';
import { RealFrames } from './real-frames.ts';
import type { ReplaySource } from './source.ts';

/** The settings a source is built from: the run's config (../config.ts) holds them; named here, not imported,
 *  because the config's list of arms is this table's keys. */
export interface SourceSettings {
  readonly er: { readonly capacity: number };
  readonly noise: { readonly density: number };
  readonly learner: { readonly network: { readonly channels: number } };
}

export interface RlArm {
  readonly description: string;
  /** The arm's replay source, built once per run (for each arm) from the run's settings. */
  readonly replay: (settings: SourceSettings) => ReplaySource;
  /** Whether the scholar keeps a generator G of past observations, trained each game (its dreams are s'). */
  readonly generator: boolean;
  /** A penalty on Q_k's weights, measured on each game's own observations; null for none. */
  readonly regulariser: RegulariserName | null;
  /** The scholar replays its convolution's features (./hidden-dreams.ts): the convolution is the first game's
   *  learner's, frozen, and G (config.hidden) learns features, not frames. */
  readonly hidden?: true;
}

export const RL_ARMS = {
  gr: {
    description: 'generative replay: observations dreamt by the previous generator, taught the previous network’s Q-values',
    replay: () => new Dreams(),
    generator: true,
    regulariser: null,
  },
  er: {
    description: 'exact replay: a bounded buffer of real past observations, taught the previous network’s Q-values',
    replay: (settings) => new RealFrames(settings.er.capacity),
    generator: false,
    regulariser: null,
  },
  noise: {
    description: 'uniformly random binary grids taught the previous network’s Q-values (the generator-free baseline)',
    replay: (settings) => new Noise(settings.noise.density),
    generator: false,
    regulariser: null,
  },
  none: {
    description: 'the scholar learns each game from its short-term learner alone (it forgets)',
    replay: () => new NoReplay(),
    generator: false,
    regulariser: null,
  },
  offline: {
    description: 'real observations of every game so far, each taught by its own game’s learner (the upper bound)',
    replay: () => new PastFrames(),
    generator: false,
    regulariser: null,
  },
  ewc: {
    description: 'elastic weight consolidation: a Fisher-weighted penalty per past game on the Q-network, no replay',
    replay: () => new NoReplay(),
    generator: false,
    regulariser: 'ewc',
  },
  'online-ewc': {
    description: 'online EWC: one running Fisher penalty on the Q-network, decayed by gamma, no replay',
    replay: () => new NoReplay(),
    generator: false,
    regulariser: 'online-ewc',
  },
  si: {
    description: 'synaptic intelligence: a path-integral importance penalty on the Q-network, no replay',
    replay: () => new NoReplay(),
    generator: false,
    regulariser: 'si',
  },
  lwf: {
    description: 'learning without forgetting: the previous network’s Q-values taught on the new game’s own frames',
    replay: () => new CurrentFrames(),
    generator: false,
    regulariser: null,
  },
  // Last: the sweep orders a job's arms as this table does, so the ids of jobs queued before it stay as they were.
  'gr-hidden': {
    description: 'hidden replay: features of the first learner’s frozen convolution dreamt by the previous generator, taught the previous network’s Q-values through the layers above it',
    replay: (settings) => new HiddenDreams(settings.learner.network.channels),
    generator: true,
    regulariser: null,
    hidden: true,
  },
} as const satisfies Record<string, RlArm>;

/** Whether the arm's scholar replays its convolution's features rather than frames (RlArm.hidden). */
export const replaysFeatures = (arm: keyof typeof RL_ARMS): boolean => (RL_ARMS[arm] as RlArm).hidden === true;
