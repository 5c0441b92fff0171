/**
 * A regulariser by name, with its settings: the one place both domains build EWC, online EWC and SI (the
 * classification loop for its solver, the RL agent for its scholar's Q-network).
 */
import type { RegulariserName } from '../arms.ts';
import type { RunConfig } from '../config.ts';
import type { Rng } from '../engine/random.ts';
import type { Solver } from '../solvers/solver.ts';
import { Ewc } from './ewc.ts';
import type { Regulariser } from './regulariser.ts';
import { Si } from './si.ts';

/** EWC's and SI's numbers (core/config.ts's schema, shared with the RL config). */
export type RegulariserSettings = Pick<RunConfig, 'ewc' | 'si'>;

/** `rng` draws the inputs EWC's Fisher is measured on (unless endTask is given a task's own stream). */
export function createRegulariser(name: RegulariserName, settings: RegulariserSettings, solver: Solver, rng: Rng): Regulariser {
  switch (name) {
    case 'ewc':
      return new Ewc(solver, settings.ewc.lambda, settings.ewc.samples, null, rng);
    case 'online-ewc':
      return new Ewc(solver, settings.ewc.lambda, settings.ewc.samples, settings.ewc.gamma, rng);
    case 'si':
      return new Si(solver, settings.si.c, settings.si.epsilon);
  }
}
