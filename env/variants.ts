/**
 * Named variants: one game with changes that alter what the agent must do, so forgetting can be studied
 * inside one game as well as across games. Each is plain task data; `dgr env list` shows them.
 */
import type { TaskInput } from './task.ts';

type VariantInput = Omit<TaskInput, 'name'>;

export const VARIANTS: Record<string, VariantInput> = {
  'breakout/mirrored': { game: 'breakout', controls: 'mirrored' },
  'breakout/thin-wall': { game: 'breakout', settings: { brickRows: 1 } },
  'asterix/mirrored': { game: 'asterix', controls: 'mirrored' },
  'asterix/crowded': { game: 'asterix', settings: { spawnPeriod: 3, goldChance: 0.2 } },
  'freeway/fast': { game: 'freeway', settings: { trafficSpeed: 2 } },
  // Cars at a fifth of the speed: crossings come often enough for a learner to find them in tens of thousands
  // of frames (the RL quick preset); at full speed a random player almost never crosses.
  'freeway/slow': { game: 'freeway', settings: { trafficSpeed: 0.2 } },
  'freeway/rotated': { game: 'freeway', controls: 'rotated' },
  // Traffic that keeps its speed range however often the chicken crosses: Freeway as MinAtar plays it (its
  // freeway.py draws new speeds after each crossing and never ramps). A DQN learner (Adam 1e-3) scores 21-22 after 500k
  // frames with ramping and 23-37 without it; the full preset's learner (Adam 2.5e-4) 18-25 and 28-37 (3 seeds
  // each, docs/RESULTS.md).
  'freeway/steady': { game: 'freeway', ramping: false },
  'space-invaders/mirrored': { game: 'space-invaders', controls: 'mirrored' },
  'space-invaders/barrage': { game: 'space-invaders', settings: { bombPeriod: 4 } },
  'seaquest/short-air': { game: 'seaquest', settings: { oxygen: 80 } },
  'seaquest/mirrored': { game: 'seaquest', controls: 'mirrored' },
};

/** One line per variant saying what changed, for listings. */
export function describeVariant(name: string): string {
  const variant = VARIANTS[name];
  if (variant === undefined) throw new Error(`unknown variant '${name}'`);
  const { game, ...changes } = variant;
  return `${game} with ${JSON.stringify(changes)}`;
}
