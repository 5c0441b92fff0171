/**
 * Merging RL result files of one config run with different seeds (separate processes or machines) into one,
 * by the same rules as the classification results: one config but for the seed (each file carries its own), no
 * seed twice, and every file consistent with its own per-seed numbers. The merged file is what `dgr rl --seeds`
 * writes when it runs the seeds one after another.
 */
import { differences, problemsOf, sameRun } from '../../core/config.ts';
import { migrateResultFormat } from '../../core/provenance.ts';
import type { AgentArm } from '../config.ts';
import { rlFromFormat1, rlResultFile, rlResultSchema, type RlResultFile } from './result-file.ts';

/** Parses an RL result.json (of this format, or an older one brought up to it); the error names the file and
 * each bad field. */
export function parseRlResult(data: unknown, source: string): RlResultFile {
  const parsed = rlResultSchema.safeParse(migrateResultFormat(data, source, rlFromFormat1));
  if (!parsed.success) throw new Error(`${source}: not a dgr RL result.json:\n  ${problemsOf(parsed.error).join('\n  ')}`);
  return parsed.data;
}

export function mergeRlResults(files: readonly { source: string; result: RlResultFile }[]): RlResultFile {
  if (files.length === 0) throw new Error('merge: no result files');
  const [first] = files;
  const seeds = new Map<number, string>();
  for (const { source, result } of files) {
    const config = { ...result.config, seed: 0 };
    if (!sameRun(config, { ...first.result.config, seed: 0 })) {
      throw new Error(`${source}: its run's config differs from ${first.source}'s in ${differences(result.config, first.result.config).join(', ')}`);
    }
    if (result.arm !== first.result.arm || result.backend !== first.result.backend) {
      throw new Error(`${source}: arm ${result.arm} on ${result.backend}, but ${first.source} is arm ${first.result.arm} on ${first.result.backend}`);
    }
    // The file must agree with itself: its R is the mean of its seeds' R.
    const own = rlResultFile(result.config, result.arm as AgentArm, result.backend, result.games, result.reference, result.perSeed);
    if (JSON.stringify(own.R) !== JSON.stringify(result.R) || own.acc !== result.acc) {
      throw new Error(`${source}: its R matrix or ACC does not follow from its own per-seed numbers (edited?)`);
    }
    for (const s of result.perSeed) {
      const seen = seeds.get(s.seed);
      if (seen !== undefined) throw new Error(`${source}: seed ${s.seed} is also in ${seen}`);
      seeds.set(s.seed, source);
    }
  }
  const perSeed = files.flatMap((f) => f.result.perSeed).sort((a, b) => a.seed - b.seed);
  const r = first.result;
  return rlResultFile({ ...r.config, seed: perSeed[0].seed }, r.arm as AgentArm, r.backend, r.games, r.reference, perSeed);
}
