/**
 * Protocol v1's binary messages (server → client), each opening with an opcode byte; numbers little-endian.
 * Observations travel bit-packed: a 10×10×7 grid of 0/1 is 700 bits, 88 bytes (env/layout.ts's cell order,
 * bit i of the observation is bit (i mod 8) of byte ⌊i/8⌋). docs/PROTOCOL.md has the same tables.
 *
 * FRAME (0x01), one step of the game as the agent plays it:
 *   0 u8 opcode · 1 u8 game · 2 u8 player (0 learner, 1 scholar) · 3 u8 action · 4 u32 step in episode ·
 *   8 f64 run frame · 16 f32 reward · 20 f32 score · 24 88 B grid · 112 u8 n · 113 n × f32 Q-values
 * DREAMS (0x02), a consolidation's generated observations with the old network's greedy actions:
 *   0 u8 opcode · 1 u8 arm (index into run.arms) · 2 u8 game · 3 u8 0 · 4 u16 count ·
 *   6 count × u8 action · count × i8 game it resembles (−1: none) · count × 88 B grids
 * SAMPLES (0x03), a classification task's generated inputs with the solver's labels:
 *   0 u8 opcode · 1 u8 arm (index into run.arms) · 2 u8 task · 3 u8 channels · 4 u16 count · 6 u16 height ·
 *   8 u16 width · 10 count × u8 label · count × height × width × channels u8 pixels (0-255, row-major,
 *   channels last)
 * ARM FRAMES (0x04), every arm's scholar at one step of the same game, sent only to viewers that asked for the
 *   arms side by side:
 *   0 u8 opcode · 1 u8 count (one per arm, in run.arms order) · then count × (u16 length · a FRAME as above)
 */
import { OBSERVATION_SIZE } from '../env/layout.ts';

export const OPCODE_FRAME = 0x01;
export const OPCODE_DREAMS = 0x02;
export const OPCODE_SAMPLES = 0x03;
export const OPCODE_ARM_FRAMES = 0x04;

export const PACKED_OBSERVATION_BYTES = Math.ceil(OBSERVATION_SIZE / 8);
const FRAME_GRID_OFFSET = 24;
const FRAME_Q_OFFSET = FRAME_GRID_OFFSET + PACKED_OBSERVATION_BYTES;
const SAMPLES_HEADER = 10;

export interface Frame {
  readonly game: number;
  readonly player: 'learner' | 'scholar';
  readonly step: number;
  readonly frame: number;
  readonly action: number;
  readonly reward: number;
  readonly score: number;
  /** OBSERVATION_SIZE bytes of 0/1. */
  readonly observation: Uint8Array;
  readonly qValues: readonly number[];
}

export interface Dreams {
  readonly arm: number;
  readonly game: number;
  readonly actions: readonly number[];
  readonly resembles: readonly number[];
  /** count × OBSERVATION_SIZE bytes of 0/1. */
  readonly observations: Uint8Array;
}

export interface Samples {
  readonly arm: number;
  readonly task: number;
  readonly shape: readonly [number, number, number];
  readonly labels: readonly number[];
  /** count × height × width × channels, 0-255. */
  readonly pixels: Uint8Array;
}

export function packObservation(observation: ArrayLike<number>, out: Uint8Array, offset: number): void {
  out.fill(0, offset, offset + PACKED_OBSERVATION_BYTES);
  for (let i = 0; i < OBSERVATION_SIZE; i++) if (observation[i] !== 0) out[offset + (i >> 3)] |= 1 << (i & 7);
}

export function unpackObservation(bytes: Uint8Array, offset: number): Uint8Array {
  const out = new Uint8Array(OBSERVATION_SIZE);
  for (let i = 0; i < OBSERVATION_SIZE; i++) out[i] = (bytes[offset + (i >> 3)] >> (i & 7)) & 1;
  return out;
}

const u8 = (value: number, what: string): number => {
  if (!Number.isInteger(value) || value < 0 || value > 255) throw new Error(`${what} must be an integer in [0, 255], got ${value}`);
  return value;
};

export function encodeFrame(f: Frame): Uint8Array {
  if (f.observation.length !== OBSERVATION_SIZE) throw new Error(`a frame's observation has ${OBSERVATION_SIZE} cells, got ${f.observation.length}`);
  const bytes = new Uint8Array(FRAME_Q_OFFSET + 1 + 4 * f.qValues.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = OPCODE_FRAME;
  bytes[1] = u8(f.game, 'game');
  bytes[2] = f.player === 'learner' ? 0 : 1;
  bytes[3] = u8(f.action, 'action');
  view.setUint32(4, f.step, true);
  view.setFloat64(8, f.frame, true);
  view.setFloat32(16, f.reward, true);
  view.setFloat32(20, f.score, true);
  packObservation(f.observation, bytes, FRAME_GRID_OFFSET);
  bytes[FRAME_Q_OFFSET] = u8(f.qValues.length, 'Q-value count');
  f.qValues.forEach((q, i) => view.setFloat32(FRAME_Q_OFFSET + 1 + 4 * i, q, true));
  return bytes;
}

function need(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length < length) throw new Error(`${what}: ${bytes.length} bytes, expected at least ${length}`);
}

export function decodeFrame(bytes: Uint8Array): Frame {
  need(bytes, FRAME_Q_OFFSET + 1, 'frame');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes[FRAME_Q_OFFSET];
  need(bytes, FRAME_Q_OFFSET + 1 + 4 * n, 'frame');
  return {
    game: bytes[1],
    player: bytes[2] === 0 ? 'learner' : 'scholar',
    action: bytes[3],
    step: view.getUint32(4, true),
    frame: view.getFloat64(8, true),
    reward: view.getFloat32(16, true),
    score: view.getFloat32(20, true),
    observation: unpackObservation(bytes, FRAME_GRID_OFFSET),
    qValues: Array.from({ length: n }, (_, i) => view.getFloat32(FRAME_Q_OFFSET + 1 + 4 * i, true)),
  };
}

export function encodeArmFrames(frames: readonly Frame[]): Uint8Array {
  const encoded = frames.map(encodeFrame);
  const bytes = new Uint8Array(2 + encoded.reduce((n, f) => n + 2 + f.length, 0));
  const view = new DataView(bytes.buffer);
  bytes[0] = OPCODE_ARM_FRAMES;
  bytes[1] = u8(frames.length, 'arm count');
  let at = 2;
  for (const f of encoded) {
    view.setUint16(at, f.length, true);
    bytes.set(f, at + 2);
    at += 2 + f.length;
  }
  return bytes;
}

/** Each arm's frame, in run.arms order. */
export function decodeArmFrames(bytes: Uint8Array): Frame[] {
  need(bytes, 2, 'arm frames');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: Frame[] = [];
  let at = 2;
  for (let a = 0; a < bytes[1]; a++) {
    need(bytes, at + 2, 'arm frames');
    const length = view.getUint16(at, true);
    need(bytes, at + 2 + length, 'arm frames');
    frames.push(decodeFrame(bytes.subarray(at + 2, at + 2 + length)));
    at += 2 + length;
  }
  return frames;
}

export function encodeDreams(d: Dreams): Uint8Array {
  const count = d.actions.length;
  if (d.observations.length !== count * OBSERVATION_SIZE || d.resembles.length !== count) {
    throw new Error(`dreams: ${count} actions need ${count} resemblances and ${count * OBSERVATION_SIZE} cells`);
  }
  const bytes = new Uint8Array(6 + 2 * count + count * PACKED_OBSERVATION_BYTES);
  bytes[0] = OPCODE_DREAMS;
  bytes[1] = u8(d.arm, 'arm');
  bytes[2] = u8(d.game, 'game');
  new DataView(bytes.buffer).setUint16(4, count, true);
  d.actions.forEach((a, i) => (bytes[6 + i] = u8(a, 'action')));
  d.resembles.forEach((g, i) => (bytes[6 + count + i] = g < 0 ? 255 : u8(g, 'resembled game')));
  for (let i = 0; i < count; i++) {
    packObservation(d.observations.subarray(i * OBSERVATION_SIZE, (i + 1) * OBSERVATION_SIZE), bytes, 6 + 2 * count + i * PACKED_OBSERVATION_BYTES);
  }
  return bytes;
}

export function decodeDreams(bytes: Uint8Array): Dreams {
  need(bytes, 6, 'dreams');
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(4, true);
  need(bytes, 6 + 2 * count + count * PACKED_OBSERVATION_BYTES, 'dreams');
  const observations = new Uint8Array(count * OBSERVATION_SIZE);
  for (let i = 0; i < count; i++) observations.set(unpackObservation(bytes, 6 + 2 * count + i * PACKED_OBSERVATION_BYTES), i * OBSERVATION_SIZE);
  return {
    arm: bytes[1],
    game: bytes[2],
    actions: Array.from(bytes.subarray(6, 6 + count)),
    resembles: Array.from(bytes.subarray(6 + count, 6 + 2 * count), (g) => (g === 255 ? -1 : g)),
    observations,
  };
}

export function encodeSamples(s: Samples): Uint8Array {
  const [h, w, c] = s.shape;
  const count = s.labels.length;
  const size = h * w * c;
  if (s.pixels.length !== count * size) throw new Error(`samples: ${count} labels need ${count * size} pixels, got ${s.pixels.length}`);
  const bytes = new Uint8Array(SAMPLES_HEADER + count + count * size);
  const view = new DataView(bytes.buffer);
  bytes[0] = OPCODE_SAMPLES;
  bytes[1] = u8(s.arm, 'arm');
  bytes[2] = u8(s.task, 'task');
  bytes[3] = u8(c, 'channels');
  view.setUint16(4, count, true);
  view.setUint16(6, h, true);
  view.setUint16(8, w, true);
  s.labels.forEach((l, i) => (bytes[SAMPLES_HEADER + i] = u8(l, 'label')));
  bytes.set(s.pixels, SAMPLES_HEADER + count);
  return bytes;
}

export function decodeSamples(bytes: Uint8Array): Samples {
  need(bytes, SAMPLES_HEADER, 'samples');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint16(4, true);
  const shape: [number, number, number] = [view.getUint16(6, true), view.getUint16(8, true), bytes[3]];
  const size = shape[0] * shape[1] * shape[2];
  need(bytes, SAMPLES_HEADER + count + count * size, 'samples');
  return {
    arm: bytes[1],
    task: bytes[2],
    shape,
    labels: Array.from(bytes.subarray(SAMPLES_HEADER, SAMPLES_HEADER + count)),
    pixels: bytes.slice(SAMPLES_HEADER + count, SAMPLES_HEADER + count + count * size),
  };
}
