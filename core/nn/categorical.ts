/**
 * Log-likelihood of one-hot (or empty) targets under a categorical of logits along the last axis:
 * Σ_k t_k · log softmax(l)_k = Σ_k t_k·l_k − (Σ_k t_k) · logsumexp(l), with its gradient given directly,
 * ∂/∂l = t − (Σ_k t_k) · softmax(l). tfjs's logSoftmax and its derived gradient take two passes of exp over the
 * logits and a product with the targets after; this takes one.
 */
import * as tf from '@tensorflow/tfjs-core';

export function categoricalLogLikelihood<T extends tf.Tensor>(logits: T, targets: T): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [l, t, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const last = l.rank - 1;
    const shifted = tf.sub(l, tf.max(l, last, true));
    const e = tf.exp(shifted);
    const sum = tf.sum(e, last, true);
    const logNorm = tf.log(sum);
    const total = tf.sum(t, last, true);
    save([t, tf.div(e, sum), total, shifted, logNorm]);
    return {
      value: tf.sum(tf.mul(t, tf.sub(shifted, logNorm)), last),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [st, softmax, sTotal, sShifted, sLogNorm] = saved;
        const g = tf.expandDims(dy, last);
        return [tf.mul(g, tf.sub(st, tf.mul(sTotal, softmax))), tf.mul(g, tf.sub(sShifted, sLogNorm))];
      },
    };
  });
  return f(logits, targets);
}
