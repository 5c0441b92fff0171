// A worker thread for test/engine/openblas.test.ts: starts its own wasm backend with the OpenBLAS path, computes
// one product of the inputs it is sent, and replies with the values and the path that computed them.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const tf = await import('@tensorflow/tfjs-core');
const { useBackend } = await import('../../core/engine/backend.ts');
const { matMulPath } = await import('../../core/engine/wasm-kernels.ts');

parentPort.on('message', async ({ a, aShape, b, bShape, transposeA, transposeB }) => {
  await useBackend('wasm', { native: true });
  const values = tf.tidy(() =>
    tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), transposeA, transposeB).dataSync().slice(),
  );
  parentPort.postMessage({ path: matMulPath(), values });
});
