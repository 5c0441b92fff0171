/** Debian's chromium as the browser tests launch it (DEVELOPERS.md: this machine's flags), and a sleep. */
export const CHROMIUM = '/usr/bin/chromium';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
