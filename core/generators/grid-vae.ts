/**
 * A VAE of 0/1 grids whose decoder draws each channel the way the grid's objects occupy it, so an object whose
 * place the code leaves uncertain is drawn once somewhere, not twice or not at all.
 *
 * A Bernoulli decoder draws every cell independently given the code: where the code says "a ball, near here",
 * two neighbouring cells each get p ≈ ½ and the ball appears twice or nowhere. Here each channel's head is a
 * mixture over the occupancies the channel takes (a caller's fact about its data, e.g. a game's paddle is one
 * cell, its cars one a row, its aliens many), weighted by gates the code sets:
 * - `one`: a categorical over the H·W cells, exactly one set;
 * - `at-most-one`: a categorical over the cells and "absent";
 * - `one-per-row`: per row, a categorical over the row's W cells and "absent";
 * - `many`: independent Bernoulli cells (the usual VAE decoder);
 * - `none`: the channel empty.
 * The likelihood of a channel is Σ_k π_k(z) p_k(x_c | z) (an occupancy x_c does not have gets p_k = 0), so its
 * log is one log-sum-exp; sampling picks a component by its gate, then draws from it, and the grid is valid
 * 0/1 by construction. Encoder: 3×3 convolutions of stride 2, a dense
 * layer, the Gaussian code; the decoder mirrors them with transposed convolutions to one logit plane per
 * occupancy, and a dense head gives the gates and the "absent" logits.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageShape } from '../data/types.ts';
import type { Rng } from '../engine/random.ts';
import { Adam, type AdamSettings } from '../nn/adam.ts';
import { bceWithLogits } from '../nn/bce.ts';
import { categoricalLogLikelihood } from '../nn/categorical.ts';
import { Conv2d } from '../nn/conv.ts';
import { ConvTranspose2d } from '../nn/conv-transpose.ts';
import { Dense } from '../nn/dense.ts';
import type { Generator } from './generator.ts';
import { GaussianCode } from './gaussian-code.ts';
import { VariationalGenerator } from './variational.ts';

export const OCCUPANCIES = ['none', 'one', 'at-most-one', 'one-per-row', 'many'] as const;
export type Occupancy = (typeof OCCUPANCIES)[number];

export interface GridVaeSettings {
  /** [height, width, channels] of the 0/1 grid (channel-last, as a flat row of inputs). */
  readonly shape: ImageShape;
  /** Per channel, the occupancies it takes in the data: one mixture component each. */
  readonly occupancy: readonly (readonly Occupancy[])[];
  /** Channel counts of the encoder's 3×3 convolutions of stride 2 (each halves the grid), mirrored by the decoder. */
  readonly channels: readonly number[];
  readonly hidden: number;
  readonly latent: number;
  /** Weight of the KL term (β-VAE); default 1. */
  readonly beta?: number;
  readonly adam: AdamSettings;
}

/** Components in the order their logit planes leave the decoder: each kind's planes are one contiguous slice. */
const PLANE_ORDER: readonly Occupancy[] = ['one', 'at-most-one', 'one-per-row', 'many', 'none'];
/** The log-likelihood given to a component the input's channel cannot come from (p_k = 0, kept finite). */
const IMPOSSIBLE = -1e4;
/** A padding slot of a channel with fewer components than the most: never weighed, never drawn. */
const PAD = -1e9;

/** Where each mixture component sits: its channel, its slice of planes, the channel's slots. */
interface Layout {
  /** The channel of component f (components ordered as PLANE_ORDER). */
  readonly channelOf: number[];
  /** Components of each kind, in PLANE_ORDER. */
  readonly count: Record<Occupancy, number>;
  /** Components with a logit plane (all but `none`). */
  readonly planes: number;
  /** Most components of one channel. */
  readonly width: number;
  /** Channel c's k-th component is slots[c·width + k] (F, one past the last component, pads). */
  readonly slots: number[];
}

function layoutOf(occupancy: readonly (readonly Occupancy[])[]): Layout {
  const components = PLANE_ORDER.flatMap((kind) => occupancy.flatMap((forms, channel) => (forms.includes(kind) ? [{ channel, kind }] : [])));
  const width = Math.max(...occupancy.map((forms) => forms.length));
  const slots = new Array<number>(occupancy.length * width).fill(components.length);
  const used = new Array<number>(occupancy.length).fill(0);
  components.forEach(({ channel }, f) => (slots[channel * width + used[channel]++] = f));
  const count = Object.fromEntries(OCCUPANCIES.map((kind) => [kind, components.filter((c) => c.kind === kind).length])) as Record<Occupancy, number>;
  return { channelOf: components.map((c) => c.channel), count, planes: components.length - count.none, width, slots };
}

function checkSettings({ shape, occupancy, channels }: GridVaeSettings): void {
  if (occupancy.length !== shape[2]) throw new Error(`grid-vae: occupancy gives ${occupancy.length} channels, the grid has ${shape[2]}`);
  occupancy.forEach((forms, c) => {
    if (forms.length === 0 || new Set(forms).size !== forms.length) throw new Error(`grid-vae: occupancy of channel ${c} must list distinct occupancies, got [${forms.join(', ')}]`);
  });
  if (occupancy.every((forms) => forms.every((f) => f === 'none'))) throw new Error('grid-vae: every channel is always empty: nothing to model');
  if (channels.length === 0) throw new Error('grid-vae: at least one convolution');
}

/** The decoder's outputs for a batch of codes. */
interface Heads {
  /** [n, planes, H·W] logits. */
  readonly planes: tf.Tensor3D;
  /** [n, F] logits of the components within each channel. */
  readonly gates: tf.Tensor2D;
  /** [n, at-most-one components, 1] logits of "absent". */
  readonly absent: tf.Tensor3D;
  /** [n, one-per-row components, H, 1] logits of "absent" in each row. */
  readonly absentRows: tf.Tensor4D;
}

export class GridVae extends VariationalGenerator implements Generator {
  readonly kind = 'grid-vae' as const;
  private readonly layout: Layout;
  private readonly convs: Conv2d[] = [];
  private readonly deconvs: ConvTranspose2d[] = [];
  /** Height and width entering each convolution, then leaving the last. */
  private readonly sizes: [number, number][];
  private readonly encoder: Dense;
  private readonly code: GaussianCode;
  private readonly decoder: Dense;
  private readonly unflatten: Dense;
  private readonly extras: Dense;
  protected readonly optimizer: Adam;

  constructor(
    readonly settings: GridVaeSettings,
    rng: Rng,
  ) {
    super(rng);
    checkSettings(settings);
    const { shape, channels, hidden, latent } = settings;
    const [h, w, c] = shape;
    this.layout = layoutOf(settings.occupancy);
    const { count, planes } = this.layout;
    this.sizes = [[h, w]];
    channels.forEach((out, i) => {
      this.convs.push(new Conv2d(i === 0 ? c : channels[i - 1], out, 3, 2, rng));
      const [ph, pw] = this.sizes[i];
      this.sizes.push([Math.ceil(ph / 2), Math.ceil(pw / 2)]);
    });
    const [lh, lw] = this.sizes[channels.length];
    const flat = lh * lw * channels[channels.length - 1];
    this.encoder = new Dense(flat, hidden, 'relu', rng);
    this.code = new GaussianCode(hidden, latent, rng);
    this.decoder = new Dense(latent, hidden, 'relu', rng);
    this.unflatten = new Dense(hidden, flat, 'relu', rng);
    for (let i = channels.length - 1; i >= 0; i--) {
      this.deconvs.push(new ConvTranspose2d(channels[i], i === 0 ? planes : channels[i - 1], 4, 2, i === 0 ? 'linear' : 'relu', rng));
    }
    this.extras = new Dense(hidden, this.layout.channelOf.length + count['at-most-one'] + count['one-per-row'] * h, 'linear', rng);
    this.optimizer = new Adam(this.variables(), settings.adam);
  }

  variables(): tf.Variable[] {
    return [
      ...this.convs.flatMap((c) => c.variables()),
      ...this.encoder.variables(),
      ...this.code.variables(),
      ...this.decoder.variables(),
      ...this.unflatten.variables(),
      ...this.deconvs.flatMap((d) => d.variables()),
      ...this.extras.variables(),
    ];
  }

  private encode(x: tf.Tensor2D): tf.Tensor2D {
    const n = x.shape[0];
    const features = this.convs.reduce((h, conv) => conv.apply(h), tf.reshape(x, [n, ...this.settings.shape]) as tf.Tensor4D);
    return this.encoder.apply(tf.reshape(features, [n, -1]) as tf.Tensor2D);
  }

  private decode(z: tf.Tensor2D): Heads {
    const n = z.shape[0];
    const [h, w] = this.settings.shape;
    const { channels } = this.settings;
    const { count, planes } = this.layout;
    const hidden = this.decoder.apply(z);
    const [lh, lw] = this.sizes[channels.length];
    let y = tf.reshape(this.unflatten.apply(hidden), [n, lh, lw, channels[channels.length - 1]]) as tf.Tensor4D;
    this.deconvs.forEach((deconv, k) => (y = deconv.apply(y, this.sizes[channels.length - 1 - k])));
    const extras = this.extras.apply(hidden);
    const f = this.layout.channelOf.length;
    const [gates, absent, absentRows] = tf.split(extras, [f, count['at-most-one'], count['one-per-row'] * h], 1);
    return {
      planes: tf.transpose(tf.reshape(y, [n, h * w, planes]), [0, 2, 1]) as tf.Tensor3D,
      gates: gates as tf.Tensor2D,
      absent: tf.reshape(absent, [n, count['at-most-one'], 1]) as tf.Tensor3D,
      absentRows: tf.reshape(absentRows, [n, count['one-per-row'], h, 1]) as tf.Tensor4D,
    };
  }

  /** Components' logit planes of one kind, [n, count, H·W]. */
  private planesOf(heads: Heads, kind: Occupancy): tf.Tensor3D {
    return sliceKind(heads.planes, this.layout.count, kind);
  }

  /** The gates as [n, channels, width] (pads at PAD). */
  private gatesByChannel(gates: tf.Tensor2D): tf.Tensor3D {
    return this.byChannel(gates, PAD);
  }

  /** A per-component [n, F] tensor laid out per channel, [n, C, width], pads filled with `pad`: one product with
   *  a 0/1 selection (a gather's gradient needs a scatter kernel that not every backend has). */
  private byChannel(values: tf.Tensor2D, pad: number): tf.Tensor3D {
    const n = values.shape[0];
    const { slots, width } = this.layout;
    const f = this.layout.channelOf.length;
    const selection = tf.tensor2d(
      Float32Array.from({ length: (f + 1) * slots.length }, (_, i) => (slots[i % slots.length] === Math.floor(i / slots.length) ? 1 : 0)),
      [f + 1, slots.length],
    );
    const padded = tf.concat([values, tf.fill([n, 1], pad)], 1);
    return tf.reshape(tf.matMul(padded, selection), [n, this.settings.shape[2], width]) as tf.Tensor3D;
  }

  /** log p(x | z) of each input, [n]. */
  private logLikelihood(x: tf.Tensor2D, heads: Heads): tf.Tensor1D {
    const n = x.shape[0];
    const [h, w, c] = this.settings.shape;
    const { count } = this.layout;
    // Each component's target, its channel: [n, H·W, C] times a 0/1 [C, F] (a product: wasm's gather is slow).
    const f = this.layout.channelOf.length;
    const copies = tf.tensor2d(Float32Array.from({ length: c * f }, (_, i) => (this.layout.channelOf[i % f] === Math.floor(i / f) ? 1 : 0)), [c, f]);
    const target = tf.transpose(tf.reshape(tf.matMul(tf.reshape(x, [n * h * w, c]), copies), [n, h * w, f]), [0, 2, 1]) as tf.Tensor3D;
    const cells = tf.sum(target, 2) as tf.Tensor2D;
    const of = (kind: Occupancy): tf.Tensor3D => sliceKind(target, count, kind);
    const totals = (kind: Occupancy): tf.Tensor2D => sliceKind(cells, count, kind);
    const parts: { ll: tf.Tensor2D; impossible: tf.Tensor2D }[] = [];
    if (count.one > 0) {
      parts.push({ ll: categoricalLogLikelihood(this.planesOf(heads, 'one'), of('one')) as tf.Tensor2D, impossible: tf.notEqual(totals('one'), 1) as tf.Tensor2D });
    }
    if (count['at-most-one'] > 0) {
      const empty = tf.expandDims(tf.cast(tf.equal(totals('at-most-one'), 0), 'float32'), 2);
      const logits = tf.concat([this.planesOf(heads, 'at-most-one'), heads.absent], 2);
      parts.push({ ll: categoricalLogLikelihood(logits, tf.concat([of('at-most-one'), empty], 2)) as tf.Tensor2D, impossible: tf.greater(totals('at-most-one'), 1) as tf.Tensor2D });
    }
    if (count['one-per-row'] > 0) {
      const k = count['one-per-row'];
      const rows = tf.reshape(of('one-per-row'), [n, k, h, w]);
      const perRow = tf.sum(rows, 3);
      const logits = tf.concat([tf.reshape(this.planesOf(heads, 'one-per-row'), [n, k, h, w]), heads.absentRows], 3);
      const targets = tf.concat([rows, tf.expandDims(tf.cast(tf.equal(perRow, 0), 'float32'), 3)], 3);
      parts.push({ ll: tf.sum(categoricalLogLikelihood(logits, targets), 2) as tf.Tensor2D, impossible: tf.greater(tf.max(perRow, 2), 1) as tf.Tensor2D });
    }
    if (count.many > 0) {
      const bce = bceWithLogits(this.planesOf(heads, 'many') as unknown as tf.Tensor2D, of('many') as unknown as tf.Tensor2D);
      parts.push({ ll: tf.neg(tf.sum(bce, 2)) as tf.Tensor2D, impossible: tf.zeros([n, count.many], 'bool') as tf.Tensor2D });
    }
    if (count.none > 0) parts.push({ ll: tf.zeros([n, count.none]) as tf.Tensor2D, impossible: tf.greater(totals('none'), 0) as tf.Tensor2D });
    const impossible = tf.cast(tf.concat(parts.map((p) => p.impossible), 1), 'float32');
    const components = tf.add(tf.concat(parts.map((p) => p.ll), 1), tf.mul(impossible, IMPOSSIBLE)) as tf.Tensor2D;
    // log Σ_k π_k p_k per channel, summed over channels.
    const mixture = tf.logSumExp(tf.add(tf.logSoftmax(this.gatesByChannel(heads.gates)), this.byChannel(components, PAD)), 2);
    return tf.sum(mixture, 1) as tf.Tensor1D;
  }

  /** Negative ELBO per input (−log p(x|z) + β·KL), divided by the grid's size as the VAE's is. Shape [n]. */
  losses(x: tf.Tensor2D): tf.Tensor1D {
    const { z, kl } = this.code.sample(this.encode(x), this.rng);
    const { beta = 1 } = this.settings;
    const size = x.shape[1];
    return tf.div(tf.sub(tf.mul(kl, beta), this.logLikelihood(x, this.decode(z))), size) as tf.Tensor1D;
  }

  /** n grids of 0/1: per channel a component drawn by its gate, then its cells drawn from it. */
  sample(n: number): tf.Tensor2D {
    return tf.tidy(() => {
      const [h, w, c] = this.settings.shape;
      const { count, width } = this.layout;
      const heads = this.decode(tf.randomNormal([n, this.settings.latent], 0, 1, 'float32', this.rng.seed()) as tf.Tensor2D);
      const pick = (logits: tf.Tensor, depth: number): tf.Tensor => tf.oneHot(tf.argMax(tf.add(logits, this.gumbel(logits.shape)), -1), depth);
      const drawn: tf.Tensor3D[] = [];
      if (count.one > 0) drawn.push(pick(this.planesOf(heads, 'one'), h * w) as tf.Tensor3D);
      if (count['at-most-one'] > 0) {
        const cellsOrAbsent = pick(tf.concat([this.planesOf(heads, 'at-most-one'), heads.absent], 2), h * w + 1);
        drawn.push(tf.slice(cellsOrAbsent, [0, 0, 0], [-1, -1, h * w]) as tf.Tensor3D);
      }
      if (count['one-per-row'] > 0) {
        const k = count['one-per-row'];
        const rows = pick(tf.concat([tf.reshape(this.planesOf(heads, 'one-per-row'), [n, k, h, w]), heads.absentRows], 3), w + 1);
        drawn.push(tf.reshape(tf.slice(rows, [0, 0, 0, 0], [-1, -1, -1, w]), [n, k, h * w]) as tf.Tensor3D);
      }
      if (count.many > 0) {
        const p = tf.sigmoid(this.planesOf(heads, 'many'));
        drawn.push(tf.cast(tf.less(tf.randomUniform(p.shape, 0, 1, 'float32', this.rng.seed()), p), 'float32') as tf.Tensor3D);
      }
      if (count.none > 0) drawn.push(tf.zeros([n, count.none, h * w]) as tf.Tensor3D);
      // Which component each channel takes: slot k of channel c is component slots[c·width + k].
      const slot = tf.add(tf.argMax(tf.add(this.gatesByChannel(heads.gates), this.gumbel([n, c, width])), 2), tf.range(0, c * width, width, 'int32'));
      const chosen = tf.oneHot(tf.gather(tf.tensor1d(this.layout.slots, 'int32'), slot), this.layout.channelOf.length);
      const grids = tf.matMul(tf.cast(chosen, 'float32') as tf.Tensor3D, tf.concat(drawn, 1)); // [n, C, H·W]
      return tf.reshape(tf.transpose(grids, [0, 2, 1]), [n, h * w * c]) as tf.Tensor2D;
    });
  }

  /** Gumbel noise: argmax(logits + G) is a draw from softmax(logits). */
  private gumbel(shape: number[]): tf.Tensor {
    return tf.neg(tf.log(tf.neg(tf.log(tf.randomUniform(shape, 1e-7, 1 - 1e-7, 'float32', this.rng.seed())))));
  }
}

/** The slice of axis 1 that holds `kind`'s components (components ordered as PLANE_ORDER). */
function sliceKind<T extends tf.Tensor>(t: T, count: Record<Occupancy, number>, kind: Occupancy): T {
  const start = PLANE_ORDER.slice(0, PLANE_ORDER.indexOf(kind)).reduce((s, k) => s + count[k], 0);
  const size = new Array<number>(t.rank).fill(-1);
  size[1] = count[kind];
  const begin = new Array<number>(t.rank).fill(0);
  begin[1] = start;
  return tf.slice(t, begin, size) as T;
}
