/**
 * The one observation layout every game draws into, so one network (and one generator of past observations)
 * can take any game's frame without knowing which game it is.
 *
 * A frame is a 10×10 grid of boolean cells with CHANNEL_COUNT planes, stored channel-last (height, width,
 * channel) as one Uint8Array of 0/1: cell (x, y) of channel c is at `(y * GRID + x) * CHANNEL_COUNT + c`.
 * Channel-last is what a TensorFlow.js conv layer takes (NHWC), so a batch of frames from the vectorised env
 * is already a [N, 10, 10, C] tensor without a transpose.
 *
 * Why shared semantic channels rather than MinAtar's per-game channels (whose union would be ~25 planes):
 * - The same concept sits on the same plane in every game: what the agent steers, what kills it on touch,
 *   what it shoots, what is shot at it, what scores. A network that learned "dodge the enemy plane" in
 *   Asterix meets that plane again in Freeway and Seaquest, which is exactly where transfer and interference
 *   between tasks happen — the thing continual-RL experiments measure.
 * - Seven planes instead of ~25 make observations 700 bytes, so replay buffers and the generator that
 *   models past observations (generative replay) are smaller and every plane is used by most games.
 * - No plane names the game: the agent has to recognise the task from the objects, the realistic
 *   task-agnostic continual-learning setting.
 * What it costs: detail a per-game layout would keep is merged. Seaquest's fish and enemy submarines share
 * `enemy` (the shots they fire are visible on `enemy_shot`); Freeway's per-car speed is not drawn (the trail
 * shows each car's direction, not its speed).
 *
 * Per game:
 * | channel     | Breakout     | Asterix        | Freeway        | Space Invaders | Seaquest                     |
 * |-------------|--------------|----------------|----------------|----------------|------------------------------|
 * | player      | paddle       | runner         | chicken        | cannon         | submarine                    |
 * | player_shot | ball         |                |                | cannon's shot  | torpedo                      |
 * | enemy       |              | enemies        | cars           | aliens         | fish, enemy submarines       |
 * | enemy_shot  |              |                |                | alien bombs    | enemy torpedoes              |
 * | bonus       | bricks       | gold           |                |                | divers (and, on row 9, the divers carried) |
 * | trail       | ball's last cell | enemies' and gold's last cells | cars' last cells | aliens' last cells | stern of the submarine, last cells of fish, subs, divers |
 * | meter       |              |                |                |                | oxygen left (row 9, from the left) |
 *
 * `trail` is the cell a moving object occupied before its last move, so a single frame shows which way
 * things move (a 3×3 convolution sees an object and its trail together); for the submarine it marks the
 * stern, which shows the way it faces and fires.
 */
export const GRID = 10;

export const CHANNELS = ['player', 'player_shot', 'enemy', 'enemy_shot', 'bonus', 'trail', 'meter'] as const;
export type ChannelName = (typeof CHANNELS)[number];
export const CHANNEL_COUNT = CHANNELS.length;

export const PLAYER = 0;
export const PLAYER_SHOT = 1;
export const ENEMY = 2;
export const ENEMY_SHOT = 3;
export const BONUS = 4;
export const TRAIL = 5;
export const METER = 6;

/** Bytes (= cells × channels) in one observation. */
export const OBSERVATION_SIZE = GRID * GRID * CHANNEL_COUNT;

/** Offset of channel `channel` of cell (x, y) inside one observation. */
export function cellIndex(x: number, y: number, channel: number): number {
  return (y * GRID + x) * CHANNEL_COUNT + channel;
}
