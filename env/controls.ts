/**
 * Remapped controls: the agent's action a is executed as map[a]. With `mirrored`, left and right swap, so a
 * game looks the same but asks for the opposite movement — forgetting inside one game.
 */
import { DOWN, FIRE, LEFT, NOOP, RIGHT, UP, type VectorEnv } from './types.ts';
import { checkActions, VectorWrapper } from './vector.ts';

export const CONTROLS = ['normal', 'mirrored', 'rotated'] as const;
export type Controls = (typeof CONTROLS)[number];

/** Executed action for each chosen action. `rotated` turns the pad a quarter turn clockwise (up → right ...). */
const MAPS: Record<Exclude<Controls, 'normal'>, readonly number[]> = {
  mirrored: [NOOP, RIGHT, UP, LEFT, DOWN, FIRE],
  rotated: [NOOP, UP, RIGHT, DOWN, LEFT, FIRE],
};

export class RemappedControls extends VectorWrapper {
  private readonly map: Uint8Array;
  private readonly mapped: Uint8Array;

  constructor(
    inner: VectorEnv,
    readonly controls: Exclude<Controls, 'normal'>,
  ) {
    super(inner);
    this.map = Uint8Array.from(MAPS[controls]);
    this.mapped = new Uint8Array(this.numEnvs);
  }

  override step(actions: ArrayLike<number>): void {
    checkActions(actions, this.numEnvs);
    for (let i = 0; i < this.numEnvs; i++) this.mapped[i] = this.map[actions[i]];
    this.inner.step(this.mapped);
  }
}
