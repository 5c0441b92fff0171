import { describe, expect, it } from 'vitest';
import { OBSERVATION_SIZE } from '../../env/layout.ts';
import { makeEnv } from '../../env/single.ts';
import {
  decodeArmFrames,
  decodeDreams,
  decodeFrame,
  decodeSamples,
  encodeArmFrames,
  encodeDreams,
  encodeFrame,
  encodeSamples,
  OPCODE_ARM_FRAMES,
  OPCODE_DREAMS,
  OPCODE_FRAME,
  OPCODE_SAMPLES,
  PACKED_OBSERVATION_BYTES,
} from '../../protocol/binary.ts';

describe('binary messages', () => {
  const env = makeEnv('seaquest');
  const observation = env.reset(3).observation;

  it('a frame round-trips, opens with its opcode and packs the grid into 88 bytes', () => {
    const frame = { game: 2, player: 'scholar' as const, step: 77, frame: 1_234_567, action: 5, reward: 1, score: 12, observation, qValues: [0.5, -1.25, 2, 0, 3.5, -0.125] };
    const bytes = encodeFrame(frame);
    expect(bytes[0]).toBe(OPCODE_FRAME);
    expect(PACKED_OBSERVATION_BYTES).toBe(88);
    expect(bytes.length).toBe(24 + 88 + 1 + 4 * 6);
    expect(decodeFrame(bytes)).toEqual(frame);
  });

  it('arm frames round-trip, one frame per arm in order, and refuse a truncated one', () => {
    const later = env.step(2).observation;
    const frames = [
      { game: 0, player: 'scholar' as const, step: 3, frame: 5000, action: 1, reward: 0, score: 4, observation, qValues: [1, 2, 3, 4, 5, 6] },
      { game: 0, player: 'scholar' as const, step: 9, frame: 5000, action: 4, reward: 1, score: 0, observation: later, qValues: [-1, 0, 0.5, 0, 0, 2] },
    ];
    const bytes = encodeArmFrames(frames);
    expect(bytes[0]).toBe(OPCODE_ARM_FRAMES);
    expect(bytes[1]).toBe(2);
    expect(decodeArmFrames(bytes)).toEqual(frames);
    expect(() => decodeArmFrames(bytes.subarray(0, bytes.length - 1))).toThrow(/bytes, expected at least/);
  });

  it('dreams round-trip, with -1 for a sample like no game', () => {
    const observations = new Uint8Array(3 * OBSERVATION_SIZE);
    for (let i = 0; i < 3; i++) observations.set(env.step(i).observation, i * OBSERVATION_SIZE);
    const dreams = { arm: 1, game: 4, actions: [0, 3, 5], resembles: [2, -1, 0], observations };
    const bytes = encodeDreams(dreams);
    expect(bytes[0]).toBe(OPCODE_DREAMS);
    expect(decodeDreams(bytes)).toEqual(dreams);
  });

  it('samples round-trip', () => {
    const pixels = Uint8Array.from({ length: 2 * 4 * 3 }, (_, i) => (i * 37) % 256);
    const samples = { arm: 0, task: 3, shape: [4, 3, 1] as [number, number, number], labels: [7, 9], pixels };
    const bytes = encodeSamples(samples);
    expect(bytes[0]).toBe(OPCODE_SAMPLES);
    expect(decodeSamples(bytes)).toEqual(samples);
  });

  it('refuses truncated messages and values that do not fit their bytes', () => {
    const bytes = encodeFrame({ game: 0, player: 'learner', step: 0, frame: 0, action: 0, reward: 0, score: 0, observation, qValues: [1, 2] });
    expect(() => decodeFrame(bytes.subarray(0, bytes.length - 1))).toThrow(/frame: \d+ bytes, expected at least/);
    expect(() => encodeFrame({ game: 300, player: 'learner', step: 0, frame: 0, action: 0, reward: 0, score: 0, observation, qValues: [] })).toThrow(/game must be an integer in \[0, 255\]/);
    expect(() => decodeSamples(new Uint8Array(4))).toThrow(/samples/);
  });
});
