/** The part of gifenc's API (https://github.com/mattdesl/gifenc, v1.0.3) that episode-gif.ts uses; it ships no types. */
declare module 'gifenc' {
  export interface FrameOptions {
    /** Colour table, [r, g, b] per entry; the first frame's becomes the global table. */
    palette?: number[][];
    /** Milliseconds (the GIF stores hundredths of a second). */
    delay?: number;
    /** 0: loop forever, -1: play once. */
    repeat?: number;
  }
  export interface GifStream {
    writeFrame(index: Uint8Array, width: number, height: number, options?: FrameOptions): void;
    finish(): void;
    bytes(): Uint8Array;
  }
  export function GIFEncoder(options?: { auto?: boolean; initialCapacity?: number }): GifStream;
}
