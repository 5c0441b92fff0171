/** Debian's chromium as the browser tests launch it (DEVELOPERS.md: this machine's flags), and a sleep. */
export const CHROMIUM = '/usr/bin/chromium';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `read` every 250 ms until `ok` holds, and fails naming `what` and the last value after `ms`. */
export async function until<T>(what: string, read: () => Promise<T> | T, ok: (v: T) => boolean, ms = 300_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
    await sleep(250);
  }
}
