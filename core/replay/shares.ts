/** n split into `parts` shares as equal as integers allow (the first n mod parts one larger): what each task (or
 *  game) gets of a replayed batch, so no task's share depends on how readily its samples come. */
export function equalShares(n: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, k) => Math.floor(n / parts) + (k < n % parts ? 1 : 0));
}
