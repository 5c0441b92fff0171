/**
 * `dgr sweep report` tables what it can: a result that cannot join its group (the same seed twice, as when one
 * run was queued under two ids, or a file that contradicts itself) is left out and named with the file it
 * conflicts with, instead of failing the whole report. The jobs' results are committed results of real RL runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { ListedJob } from '../../sweep/listing.ts';
import { gatherResults, reportMarkdown } from '../../sweep/report.ts';

const results = join(import.meta.dirname, '..', '..', 'docs', 'results', 'rl', 'earlier', 'all-dreams');
const read = (seed: number, arm: string): unknown => JSON.parse(readFileSync(join(results, `seed-${seed}`, arm, 'result.json'), 'utf8'));
/** A finished RL job as the queue lists it: its data's kind and the arms' result files it returned. */
const done = (id: string, returnvalue: unknown[]): ListedJob => ({ id, state: 'done', job: { data: { kind: 'rl' }, returnvalue } as unknown as Job, abandoned: false });

describe('dgr sweep report', () => {
  it('tables the groups that merge and names a conflicting pair instead of failing the whole report', () => {
    const edited = read(3, 'gr') as { acc: number; perSeed: { acc: number }[] };
    edited.acc = 0.9;
    edited.perSeed[0].acc = 0.9;
    const jobs = [
      done('gr+none.seed-1', [read(1, 'gr'), read(1, 'none')]),
      done('gr+none.seed-2', [read(2, 'gr'), read(2, 'none')]),
      // The same run as the first, queued again with its arms in another order.
      done('none+gr.seed-1', [read(1, 'none'), read(1, 'gr')]),
      done('gr+none.seed-3', [edited, read(3, 'none')]),
    ];
    const results = gatherResults(jobs);
    const { rl: groups, leftOut } = results;
    expect(groups.map((g) => [g.arm, g.merged.seeds])).toEqual([['gr', [1, 2]], ['none', [1, 2, 3]]]);
    expect(leftOut).toEqual([
      'job none+gr.seed-1 (arm 2): seed 1 is also in job gr+none.seed-1 (arm 1); a seed counts once',
      expect.stringMatching(/^job gr\+none\.seed-3 \(arm 1\): seed 3: acc is 0\.9 but its R gives 0\.35\d+; the file was edited/),
      'job none+gr.seed-1 (arm 1): seed 1 is also in job gr+none.seed-1 (arm 2); a seed counts once',
    ]);
    const markdown = reportMarkdown(results, jobs, null);
    expect(markdown).toMatch(/\| gr +\| +2 \|/);
    expect(markdown).toContain('Done but not in the table:');
    expect(markdown).toContain('- job none+gr.seed-1 (arm 1): seed 1 is also in');
  });
});
