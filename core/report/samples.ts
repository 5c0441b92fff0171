/**
 * A grid of generated images. The pixels go into one PNG (pngjs), enlarged by an integer factor with nearest-
 * neighbour copies so they stay sharp, and embedded in the SVG as a data URI: one <image>, not thousands of rects.
 */
import { PNG } from 'pngjs';
import type { ImageShape } from '../data/types.ts';
import { el, svgDocument, text, textWidth } from './svg.ts';

export interface SampleGridLayout {
  readonly count: number;
  readonly columns: number;
  readonly rows: number;
  /** Output pixels per input pixel. */
  readonly scale: number;
  /** White space between images, in output pixels. */
  readonly gap: number;
  /** The grid image's top-left corner in the SVG. */
  readonly left: number;
  readonly top: number;
  /** Size of the grid image. */
  readonly gridWidth: number;
  readonly gridHeight: number;
  /** Size of the whole SVG. */
  readonly width: number;
  readonly height: number;
}

const MARGIN = 12;
const TITLE_HEIGHT = 30;

export function sampleGridLayout(
  count: number,
  shape: ImageShape,
  columns: number,
  options: { scale?: number; title?: string } = {},
): SampleGridLayout {
  const [h, w] = shape;
  const cols = Math.max(1, Math.min(columns, count));
  const rows = Math.ceil(count / cols);
  // About 84 output pixels per image unless told otherwise (3× for MNIST and 32×32 SVHN).
  const scale = options.scale ?? Math.max(1, Math.round(84 / Math.max(h, w)));
  const gap = 2;
  const gridWidth = cols * w * scale + (cols - 1) * gap;
  const gridHeight = rows * h * scale + (rows - 1) * gap;
  const top = MARGIN + (options.title ? TITLE_HEIGHT : 0);
  const width = Math.max(gridWidth + 2 * MARGIN, options.title ? 260 : 0);
  return {
    count,
    columns: cols,
    rows,
    scale,
    gap,
    left: Math.round((width - gridWidth) / 2),
    top,
    gridWidth,
    gridHeight,
    width,
    height: top + gridHeight + MARGIN,
  };
}

/** Top-left output pixel, within the grid image, of input pixel (row, col) of image `index`. */
export function gridPixel(layout: SampleGridLayout, shape: ImageShape, index: number, row: number, col: number): [x: number, y: number] {
  const [h, w] = shape;
  const gx = index % layout.columns;
  const gy = Math.floor(index / layout.columns);
  return [gx * (w * layout.scale + layout.gap) + col * layout.scale, gy * (h * layout.scale + layout.gap) + row * layout.scale];
}

function checkSamples(samples: Float32Array, shape: ImageShape): number {
  const [h, w, c] = shape;
  if (c !== 1 && c !== 3) throw new Error(`samples: images must have 1 or 3 channels, got shape ${shape.join('×')}`);
  const size = h * w * c;
  if (samples.length === 0 || samples.length % size !== 0) {
    throw new Error(`samples: ${samples.length} values are not a whole number (≥ 1) of ${shape.join('×')} images`);
  }
  return samples.length / size;
}

/** The grid itself as a PNG: `samples` is flat [n, H·W·C], NHWC, values in [0, 1]; gaps are white. */
export function sampleGridPng(samples: Float32Array, shape: ImageShape, layout: SampleGridLayout): Buffer {
  const n = checkSamples(samples, shape);
  const [h, w, c] = shape;
  const png = new PNG({ width: layout.gridWidth, height: layout.gridHeight });
  png.data.fill(255);
  const byte = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 255);
  for (let index = 0; index < n; index++) {
    const base = index * h * w * c;
    for (let row = 0; row < h; row++) {
      for (let col = 0; col < w; col++) {
        const p = base + (row * w + col) * c;
        const r = byte(samples[p]);
        const g = c === 3 ? byte(samples[p + 1]) : r;
        const b = c === 3 ? byte(samples[p + 2]) : r;
        const [x0, y0] = gridPixel(layout, shape, index, row, col);
        for (let dy = 0; dy < layout.scale; dy++) {
          for (let dx = 0; dx < layout.scale; dx++) {
            const o = ((y0 + dy) * layout.gridWidth + x0 + dx) * 4;
            png.data[o] = r;
            png.data[o + 1] = g;
            png.data[o + 2] = b;
            png.data[o + 3] = 255;
          }
        }
      }
    }
  }
  return PNG.sync.write(png);
}

export interface SamplesOptions {
  readonly title?: string;
  /** Output pixels per input pixel (default: about 84 pixels per image). */
  readonly scale?: number;
  /** A label per image (the solver's class for it, or an action's name), shown in the image's top-left corner. */
  readonly labels?: ArrayLike<number> | readonly string[];
}

export function samplesSvg(samples: Float32Array, shape: ImageShape, columns: number, options: SamplesOptions = {}): string {
  const n = checkSamples(samples, shape);
  const layout = sampleGridLayout(n, shape, columns, options);
  const uri = `data:image/png;base64,${sampleGridPng(samples, shape, layout).toString('base64')}`;
  const body: string[] = [];
  if (options.title) body.push(text(layout.width / 2, MARGIN + 16, options.title, { 'font-size': 14, 'font-weight': 'bold', 'text-anchor': 'middle' }));
  body.push(el('image', { x: layout.left, y: layout.top, width: layout.gridWidth, height: layout.gridHeight, href: uri, style: 'image-rendering:pixelated' }));
  if (options.labels) {
    if (options.labels.length !== n) throw new Error(`samples: ${options.labels.length} labels for ${n} images`);
    for (let index = 0; index < n; index++) {
      const [x, y] = gridPixel(layout, shape, index, 0, 0);
      const label = String(options.labels[index]);
      const box = { x: layout.left + x, y: layout.top + y, width: 4 + textWidth(label, 11), height: 14 };
      body.push(el('rect', { ...box, fill: '#ffffff', 'fill-opacity': 0.8 }));
      body.push(text(box.x + 2, box.y + 11, label, { 'font-size': 11, fill: '#000000' }));
    }
  }
  return svgDocument(layout.width, layout.height, body);
}
