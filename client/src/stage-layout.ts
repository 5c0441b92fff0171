/** Where the Phaser stage draws each panel (pixels of the stage canvas); the browser test reads the same numbers. */
export const STAGE_WIDTH = 1000;
export const STAGE_HEIGHT = 480;

/** The agent's game: a 10×10 board at (x, y), `cell` pixels a cell. */
export const AGENT = { x: 16, y: 64, cell: 28 };
export const DREAMS = { x: 336, y: 64, cell: 5, columns: 6, rows: 5, pitch: 5 * 10 + 8 };
export const HUMAN = { x: 712, y: 64, cell: 26 };
/** Widest a caption above the dreams may run: up to the human game's column, less a margin. */
export const DREAMS_CAPTION_WIDTH = HUMAN.x - DREAMS.x - 16;
