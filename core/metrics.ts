/**
 * Continual-learning metrics over the accuracy matrix. Row 0 is "at start" (the untrained model: b_i), row k
 * (1-based) is after training task k; column i is task i. Definitions as in ../shared/PAPER.md §3:
 *   ACC = mean_i R[T][i];  BWT = mean_{i<T} (R[T][i] − R[i][i])   (Lopez-Paz & Ranzato 2017)
 *   FWT = mean_{i≥2} (R[i−1][i] − b_i);  Forgetting = mean_{i<T} (max_{k<T} R[k][i] − R[T][i])  (Chaudhry 2018)
 */
export interface Metrics {
  readonly acc: number;
  readonly bwt: number;
  readonly fwt: number;
  readonly forgetting: number;
}

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** `matrix` has T + 1 rows (at start, then after each task) of T columns. */
export function continualMetrics(matrix: readonly (readonly number[])[]): Metrics {
  const T = matrix.length - 1;
  if (T < 1 || matrix.some((row) => row.length !== T)) {
    throw new Error(`accuracy matrix must have T + 1 rows of T columns, got ${matrix.length} rows`);
  }
  const R = (k: number, i: number): number => matrix[k][i - 1]; // k: 0 = at start; i: 1-based task
  const range = (a: number, b: number): number[] => Array.from({ length: Math.max(0, b - a + 1) }, (_, j) => a + j);
  return {
    acc: mean(range(1, T).map((i) => R(T, i))),
    bwt: mean(range(1, T - 1).map((i) => R(T, i) - R(i, i))),
    fwt: mean(range(2, T).map((i) => R(i - 1, i) - R(0, i))),
    forgetting: mean(range(1, T - 1).map((i) => Math.max(...range(1, T - 1).map((k) => R(k, i))) - R(T, i))),
  };
}
