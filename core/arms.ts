/**
 * The comparison arms of the paper and of van de Ven & Tolias, each a choice of pieces plugged into the one
 * training loop (core/continual.ts): where replayed inputs come from, what they are taught, whether a generator
 * is trained, and which regulariser adds a penalty.
 */
export const ARM_NAMES = [
  'gr',
  'gr-distill',
  'er',
  'noise',
  'none',
  'offline',
  'lwf',
  'lwf-gr',
  'ewc',
  'online-ewc',
  'si',
] as const;
export type ArmName = (typeof ARM_NAMES)[number];

export type ReplayInputs = 'generator' | 'memory' | 'noise' | 'current' | 'none';
/** hard: the previous solver's argmax; soft: its distilled outputs; labels: the stored true labels. */
export type ReplayTeaching = 'hard' | 'soft' | 'labels';
export type RegulariserName = 'ewc' | 'online-ewc' | 'si';

export interface Arm {
  readonly name: ArmName;
  readonly description: string;
  readonly inputs: ReplayInputs;
  readonly teaching: ReplayTeaching;
  readonly regulariser: RegulariserName | null;
}

export const ARMS: Record<ArmName, Arm> = {
  gr: {
    name: 'gr',
    description: 'generative replay: generated inputs labelled by the previous solver (paper §3)',
    inputs: 'generator',
    teaching: 'hard',
    regulariser: null,
  },
  'gr-distill': {
    name: 'gr-distill',
    description: 'DGR + distillation: generated inputs taught the previous solver’s softened outputs',
    inputs: 'generator',
    teaching: 'soft',
    regulariser: null,
  },
  er: {
    name: 'er',
    description: 'exact replay: real past inputs labelled by the previous solver (a perfect generator)',
    inputs: 'memory',
    teaching: 'hard',
    regulariser: null,
  },
  noise: {
    name: 'noise',
    description: 'Gaussian noise inputs labelled by the previous solver (the worst generator)',
    inputs: 'noise',
    teaching: 'hard',
    regulariser: null,
  },
  none: {
    name: 'none',
    description: 'fine-tuning on each task in turn (lower bound)',
    inputs: 'none',
    teaching: 'hard',
    regulariser: null,
  },
  offline: {
    name: 'offline',
    description: 'joint training on the real data of all tasks so far (upper bound)',
    inputs: 'memory',
    teaching: 'labels',
    regulariser: null,
  },
  lwf: {
    name: 'lwf',
    description: 'learning without forgetting: current inputs taught the previous solver’s softened outputs',
    inputs: 'current',
    teaching: 'soft',
    regulariser: null,
  },
  'lwf-gr': {
    name: 'lwf-gr',
    // In a single-head network this is the same objective as gr-distill; the paper names it for §4.2.
    description: 'LwF whose replayed inputs come from the generator (paper §4.2)',
    inputs: 'generator',
    teaching: 'soft',
    regulariser: null,
  },
  ewc: {
    name: 'ewc',
    description: 'elastic weight consolidation: a Fisher-weighted penalty per past task',
    inputs: 'none',
    teaching: 'hard',
    regulariser: 'ewc',
  },
  'online-ewc': {
    name: 'online-ewc',
    description: 'online EWC: one running Fisher penalty decayed by gamma',
    inputs: 'none',
    teaching: 'hard',
    regulariser: 'online-ewc',
  },
  si: {
    name: 'si',
    description: 'synaptic intelligence: a path-integral importance penalty',
    inputs: 'none',
    teaching: 'hard',
    regulariser: 'si',
  },
};
