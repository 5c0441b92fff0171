/**
 * Binary cross-entropy of Bernoulli logits against targets, element-wise: softplus(l) − l·x, which equals
 * max(l, 0) − l·x + log(1 + e^(−|l|)) (tfjs's softplus is the stable form), with its gradient given directly,
 * ∂/∂l = sigmoid(l) − x (∂/∂x = −l). Written out as ops, the loss and the gradients tfjs derives from them were
 * a dozen element-wise kernels over every pixel of a VAE batch; this is three each way.
 */
import * as tf from '@tensorflow/tfjs-core';

export function bceWithLogits(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [l, x, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([l, x]);
    return {
      value: tf.sub(tf.softplus(l), tf.mul(l, x)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sl, sx] = saved;
        return [tf.mul(dy, tf.sub(tf.sigmoid(sl), sx)), tf.mul(dy, tf.neg(sl))];
      },
    };
  });
  return f(logits, targets) as tf.Tensor2D;
}
