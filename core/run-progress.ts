/**
 * Where a continual run stands, as its checkpoint keeps it: the next task, the accuracy matrix and curves so far,
 * the time spent and the replay audits. Read back through a schema that checks it against the run's stream, so
 * an edited or damaged progress section is an error naming the file and the field, never wrong metrics.
 */
import { z } from 'zod';
import { problemsOf } from './config.ts';
import { replayAuditSchema } from './replay/audit-schema.ts';
import type { CurvePoint } from './run-events.ts';

export interface RunProgress {
  /** Tasks completed (the next task to train). Each task's randomness is Rng(seed).fork(`task t`), so this and
   *  the seed are the whole RNG state. */
  readonly nextTask: number;
  readonly accuracyMatrix: number[][];
  readonly curves: CurvePoint[];
  readonly seconds: number;
  /** Per finished task (absent in checkpoints written before the audit existed). */
  readonly replay?: (z.infer<typeof replayAuditSchema> | null)[];
}

const accuracy = z.number().min(0).max(1);

function progressSchema(tasks: number) {
  const row = z.array(accuracy).length(tasks);
  return z
    .object({
      nextTask: z.number().int().min(0).max(tasks),
      accuracyMatrix: z.array(row).min(1),
      curves: z.array(
        z.object({ task: z.number().int().min(0).max(tasks - 1), iteration: z.number().int().positive(), accuracies: row }).strict(),
      ),
      seconds: z.number().nonnegative(),
      replay: z.array(replayAuditSchema.nullable()).optional(),
    })
    .strict()
    .superRefine((p, ctx) => {
      if (p.accuracyMatrix.length !== p.nextTask + 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['accuracyMatrix'],
          message: `${p.accuracyMatrix.length} rows for ${p.nextTask} finished tasks (expected ${p.nextTask + 1})`,
        });
      }
      if (p.replay !== undefined && p.replay.length !== p.nextTask) {
        ctx.addIssue({ code: 'custom', path: ['replay'], message: `${p.replay.length} audits for ${p.nextTask} finished tasks` });
      }
    });
}

/** Parses a checkpoint's progress for a stream of `tasks` tasks; the error names the file and each bad field. */
export function parseRunProgress(raw: unknown, source: string, tasks: number): RunProgress {
  const parsed = progressSchema(tasks).safeParse(raw);
  if (!parsed.success) throw new Error(`${source}: invalid progress:\n  ${problemsOf(parsed.error).map((p) => `progress.${p}`).join('\n  ')}`);
  return parsed.data;
}
