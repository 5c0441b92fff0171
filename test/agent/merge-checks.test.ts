/**
 * `dgr merge` of RL results checks every number a file holds against the others, as it does for classification:
 * each seed's R against its raw scores and the references, its retention and ACC/BWT/FWT/forgetting against its
 * R, and the top level against its seeds. The inputs are committed results of real runs, edited as a careless
 * or hostile user would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeRlResults, parseRlResult } from '../../agent/report/merge.ts';
import type { RlResultFile } from '../../agent/report/result-file.ts';

const results = join(import.meta.dirname, '..', '..', 'docs', 'results', 'rl', 'earlier', 'all-dreams');
const read = (path: string): RlResultFile => parseRlResult(JSON.parse(readFileSync(join(results, path), 'utf8')), path);
/** Seed 1 alone, and seeds 1-3 merged (3 games: R is 4 rows of 3). */
const single = (): RlResultFile => read('seed-1/gr/result.json');
const three = (): RlResultFile => read('three-games-gr.json');
const merge = (...files: RlResultFile[]) => mergeRlResults(files.map((result, k) => ({ source: `file ${k + 1}`, result })));

describe('dgr merge of RL results', () => {
  it('merges untouched files, committed ones included, to the seeds\' mean', () => {
    const other = read('seed-2/gr/result.json');
    const merged = merge(other, single(), read('seed-3/gr/result.json'));
    expect(merged.seeds).toEqual([1, 2, 3]);
    expect(merged.acc).toBeCloseTo(three().acc, 12);
    // The merged file holds its first seed's references, whichever file came first.
    expect(merged.reference).toEqual(single().reference);
    expect(() => merge(three())).not.toThrow();
  });

  it('refuses a seed whose acc was changed with its top level (the issue\'s 0.9)', () => {
    const edited = single();
    edited.acc = 0.9;
    edited.perSeed[0].acc = 0.9;
    expect(() => merge(edited, read('seed-2/gr/result.json'))).toThrow(/file 1: seed 1: acc is 0\.9 but its R gives 0\.41\d+; the file was edited or is damaged, and is not merged/);
  });

  it('refuses an R cell edited with the mean that holds it: it is not its raw score normalised', () => {
    // The case: one seed's file, R[T][0] edited in the seed and the mean alike (its ACC left as it was).
    const first = single();
    const T = first.games.length;
    first.perSeed[0].R[T][0] += 0.3;
    first.R[T][0] += 0.3;
    expect(() => merge(first)).toThrow(/file 1: seed 1: R\[3\]\[0\] is .* but its raw score 6\.9 and the references give 0\.0638/);
    const edited = three();
    edited.perSeed[1].R[T][0] += 0.3;
    edited.R[T][0] += 0.1;
    expect(() => merge(edited)).toThrow(/file 1: seed 2: R\[\d\]\[0\] is .* but its raw score .* and the references give/);
  });

  it('refuses a raw score, a retention, a metric or a mean that contradicts the rest, naming it', () => {
    const cases: [string, (f: RlResultFile) => void, RegExp][] = [
      ['raw', (f) => (f.perSeed[0].raw[2][1] += 1), /seed 1: R\[3\]\[1\] is/],
      ['retention', (f) => ((f.perSeed[0].retention[0] = 0.99), (f.retention.breakout = 0.99)), /seed 1: retention is \[0\.99,/],
      ['bwt', (f) => (f.bwt = 0.5), /bwt does not follow from its own per-seed numbers/],
      ['fwt', (f) => ((f.fwt = 0.5), (f.perSeed[0].fwt = 0.5)), /seed 1: fwt is 0\.5 but its R gives/],
      ['RSem', (f) => (f.RSem = f.R), /RSem does not follow/],
      ['seeds', (f) => (f.seeds = [7]), /seeds\[0\] does not follow/],
      ['reference', (f) => (f.reference[0].scripted += 10), /seed 1: R\[1\]\[0\] is .* the references give/],
      ['config arm', (f) => (f.config.arms = ['none']), /arm is gr but its config runs none/],
    ];
    for (const [what, edit, error] of cases) {
      const edited = single();
      edit(edited);
      expect(() => merge(edited), what).toThrow(error);
    }
  });
});
