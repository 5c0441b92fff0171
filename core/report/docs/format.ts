/** How the docs' generated tables write numbers: one place, so every table rounds alike. */

/** A fraction as a percentage without the sign: 0.8947 → "89.47". */
export const pct = (x: number, digits = 2): string => (100 * x).toFixed(digits).replace(/^-(0\.?0*)$/, '$1');

/** A signed number with a typographic minus: −0.28, +0.01. */
export const signed = (x: number, digits = 2): string => {
  const s = Math.abs(x).toFixed(digits);
  if (Number(s) === 0) return s;
  return `${x < 0 ? '−' : '+'}${s}`;
};

/** "mean ± sem" (sem null or not finite: the mean alone), of fractions shown as percentages. */
export const pctSem = (mean: number, sem: number | null | undefined, digits = 2): string =>
  sem === null || sem === undefined || !Number.isFinite(sem) ? pct(mean, digits) : `${pct(mean, digits)} ± ${pct(sem, digits)}`;

/** Values (numbers, seeds) joined for a per-seed cell: "98.80, 98.79, 98.81". */
export const list = <T>(xs: readonly T[], show: (x: T) => string, separator = ', '): string => xs.map(show).join(separator);

/** [min, max] of numbers as "a-b" (one number when they are equal). */
export function range(xs: readonly number[], show: (x: number) => string): string {
  const lo = show(Math.min(...xs));
  const hi = show(Math.max(...xs));
  return lo === hi ? lo : `${lo}-${hi}`;
}
