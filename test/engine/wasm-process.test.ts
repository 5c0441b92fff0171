import type { EventEmitter } from 'node:events';
import '@tensorflow/tfjs-backend-wasm';
import { expect, it } from 'vitest';
import { useBackend } from '../../core/engine/backend.ts';

it('starting the wasm backend leaves no process-level error handlers behind', async () => {
  const events = process as EventEmitter;
  const names = ['uncaughtException', 'unhandledRejection'];
  const before = names.map((e) => events.listeners(e));
  expect(await useBackend('wasm')).toBe('wasm');
  names.forEach((e, i) => {
    const after = events.listeners(e);
    expect(after.length, e).toBe(before[i].length);
    expect(after.every((l, j) => l === before[i][j]), e).toBe(true);
  });
});
