/**
 * Reading one observation of the shared layout (./layout.ts) as a game's rules ask of it: how many cells of a
 * channel are set, in which rows and columns, whether one cell is set. Each game states with these which frames it
 * could show (its `FrameRules`, in its own file under ./games), so a frame from anywhere — a real game, a replay
 * buffer, a generator's dream — can be judged against the games without knowing how they are drawn.
 */
import { CHANNEL_COUNT, CHANNELS, GRID, type ChannelName } from './layout.ts';

/** Which frames a game could show. */
export interface FrameRules {
  /** Rules every frame the game draws obeys, checked cheaply (counts, rows, columns of each channel): a frame that
   *  breaks them is one no game of this kind shows. */
  invariants(frame: FrameView): boolean;
  /** Where the game's drawing fixes how its objects sit together, that too; asked only of a frame that satisfies
   *  the invariants. A frame passing both is one the game could draw. */
  objectsInPlace(frame: FrameView): boolean;
}

/** Set cells per channel of one observation. */
export function channelCounts(observation: Uint8Array, at = 0): number[] {
  const counts = new Array<number>(CHANNEL_COUNT).fill(0);
  for (let cell = 0; cell < GRID * GRID; cell++) {
    for (let c = 0; c < CHANNEL_COUNT; c++) counts[c] += observation[at + cell * CHANNEL_COUNT + c];
  }
  return counts;
}

const channel = (name: ChannelName): number => CHANNELS.indexOf(name);

/** One observation (at byte `at` of `observation`), read by channel name. */
export class FrameView {
  private counts: number[] | null = null;

  constructor(
    readonly observation: Uint8Array,
    readonly at = 0,
  ) {}

  /** Set cells per channel, in the layout's channel order. */
  channelCounts(): readonly number[] {
    this.counts ??= channelCounts(this.observation, this.at);
    return this.counts;
  }

  /** Set cells of `name`. */
  count(name: ChannelName): number {
    return this.channelCounts()[channel(name)];
  }

  /** Whether cell (x, y) of `name` is set. */
  cell(x: number, y: number, name: ChannelName): boolean {
    return this.observation[this.at + (y * GRID + x) * CHANNEL_COUNT + channel(name)] === 1;
  }

  /** Rows of the set cells of `name`, in cell order. */
  rows(name: ChannelName): number[] {
    return this.setCells(name).map((cell) => Math.floor(cell / GRID));
  }

  /** Columns of the set cells of `name`, in cell order. */
  columns(name: ChannelName): number[] {
    return this.setCells(name).map((cell) => cell % GRID);
  }

  /** Columns of the set cells of `name` in row y. */
  columnsInRow(name: ChannelName, y: number): number[] {
    const columns: number[] = [];
    for (let x = 0; x < GRID; x++) if (this.cell(x, y, name)) columns.push(x);
    return columns;
  }

  private setCells(name: ChannelName): number[] {
    const c = channel(name);
    const cells: number[] = [];
    for (let cell = 0; cell < GRID * GRID; cell++) if (this.observation[this.at + cell * CHANNEL_COUNT + c]) cells.push(cell);
    return cells;
  }
}

/** Whether `rows` holds no row twice and none outside first..last. */
export function atMostOnePerRow(rows: readonly number[], first: number, last: number): boolean {
  return new Set(rows).size === rows.length && rows.every((y) => y >= first && y <= last);
}
