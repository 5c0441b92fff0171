/**
 * What `dgr rerun` reports: every number a committed result file holds beside the same number of its rerun, and
 * whether the two are identical (bit for bit: the same float64). Wall times and provenance are who and when, not
 * what was measured, and are left out; the config was run as it is, and is not compared either.
 */

/** Keys whose numbers are times or throughput of the machine, not results (`consolidationTime`: an RL seed's
 *  time per step, with the dream draws that explain it). */
const NOT_MEASURED = new Set(['seconds', 'framesPerSecond', 'learnerSeconds', 'consolidationSeconds', 'consolidationTime', 'provenance', 'provenanceWarnings', 'config', 'format']);

export interface ComparedNumber {
  /** Where the number is, e.g. `perSeed[0].accuracyMatrix[2][1]`. */
  readonly path: string;
  readonly committed: number | null;
  /** Undefined: the rerun's file has no number there. */
  readonly rerun: number | null | undefined;
  readonly identical: boolean;
}

/** The numbers (and nulls, where a number is undefined) of `committed`, each beside the rerun's at that place. */
export function compareNumbers(committed: unknown, rerun: unknown, path = ''): ComparedNumber[] {
  if (typeof committed === 'number' || committed === null) {
    const other = typeof rerun === 'number' || rerun === null ? rerun : undefined;
    return [{ path, committed, rerun: other, identical: other !== undefined && Object.is(committed, other) }];
  }
  if (Array.isArray(committed)) {
    const others = Array.isArray(rerun) ? rerun : [];
    return committed.flatMap((v, i) => compareNumbers(v, others[i], `${path}[${i}]`));
  }
  if (typeof committed === 'object' && committed !== undefined) {
    const others = (typeof rerun === 'object' && rerun !== null ? rerun : {}) as Record<string, unknown>;
    return Object.entries(committed)
      .filter(([key]) => !NOT_MEASURED.has(key) && key !== 'seed' && key !== 'seeds')
      .flatMap(([key, v]) => compareNumbers(v, others[key], path === '' ? key : `${path}.${key}`));
  }
  return []; // strings and booleans name things; they are not results
}

const shown = (x: number | null | undefined): string => (x === undefined ? '(none)' : x === null ? 'null' : String(x));

/** One line per number (committed, rerun, identical or the difference) and a closing count. */
export function comparisonText(numbers: readonly ComparedNumber[]): string {
  const width = Math.max(6, ...numbers.map((n) => n.path.length));
  const lines = numbers.map((n) => {
    const verdict = n.identical ? 'identical' : typeof n.committed === 'number' && typeof n.rerun === 'number' ? `differs by ${n.rerun - n.committed}` : 'differs';
    return `${n.path.padEnd(width)}  ${shown(n.committed).padStart(22)}  ${shown(n.rerun).padStart(22)}  ${verdict}`;
  });
  const same = numbers.filter((n) => n.identical).length;
  const head = `${'number'.padEnd(width)}  ${'committed'.padStart(22)}  ${'rerun'.padStart(22)}`;
  return `${head}\n${lines.join('\n')}\n${same} of ${numbers.length} numbers identical\n`;
}
