// A worker thread of checkpoint-publish.test.ts: publishes one checkpoint under each of the given names, its
// arrays filled with its own mark, as fast as it can (tsx registered here: threads do not inherit loader hooks).
import { register } from 'tsx/esm/api';
import { parentPort, workerData } from 'node:worker_threads';

register();
const { publishCheckpoint } = await import('../../../core/checkpoint.ts');
const { dirs, mark, size } = workerData;
let kept = 0;
for (const dir of dirs) {
  const data = { config: { entry: dir }, progress: { mark }, arrays: { weights: [new Float32Array(size).fill(mark)], bytes: [new Uint8Array(size).fill(mark)] } };
  if (publishCheckpoint(dir, data)) kept += 1;
}
parentPort.postMessage({ kept });
