/**
 * The few SVG pieces every chart of the report shares, and the one rasteriser: charts are SVG text drawn by
 * hand (no chart library) and turned into PNG by @napi-rs/canvas, which renders SVG with the system fonts.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';

export const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Ten colours that stay apart from each other (Tableau 10); more tasks take evenly spaced hues. */
const TABLEAU = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
export function taskColour(i: number, tasks: number): string {
  if (tasks <= TABLEAU.length) return TABLEAU[i];
  return `hsl(${Math.round((360 * i) / tasks)}, 65%, 45%)`;
}

/** Text for element content and attribute values. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Coordinates with at most two decimals, no trailing zeros. */
export function num(x: number): string {
  return String(Math.round(x * 100) / 100);
}

type Attrs = Record<string, string | number | undefined>;
function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : esc(v as string)}"`)
    .join('');
}

export function el(name: string, a: Attrs, content?: string): string {
  return content === undefined ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${content}</${name}>`;
}

export function text(x: number, y: number, content: string, a: Attrs = {}): string {
  return el('text', { x, y, 'font-family': FONT, 'font-size': 12, fill: '#222', ...a }, esc(content));
}

/** A whole document: white background (PNGs must not be transparent), then the body. */
export function svgDocument(rawWidth: number, rawHeight: number, body: string[]): string {
  // Whole pixels, so the PNG is exactly the SVG's size.
  const width = Math.ceil(rawWidth);
  const height = Math.ceil(rawHeight);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    el('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** Rough width of a label in DejaVu Sans (for laying out legends and columns; no font metrics at hand). */
export function textWidth(content: string, fontSize: number): number {
  return content.length * fontSize * 0.62;
}

/** Renders one of the report's SVG documents to PNG at its own size. */
export async function svgToPng(svg: string): Promise<Buffer> {
  const image = await loadImage(Buffer.from(svg));
  if (!image.width || !image.height) throw new Error('svgToPng: the SVG has no width/height (not a report chart?)');
  const canvas = createCanvas(image.width, image.height);
  canvas.getContext('2d').drawImage(image, 0, 0);
  return canvas.toBuffer('image/png');
}
