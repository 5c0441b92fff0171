/** A replay audit (./audit.ts) read back from a file, a checkpoint or a result.json; apart from the audit
 * itself so that reading files does not load the engine. */
import { z } from 'zod';

export const replayAuditSchema = z
  .object({
    samples: z.number().int().positive(),
    units: z.array(z.number().int().nonnegative()),
    labelShare: z.array(z.number().min(0).max(1)),
    confidence: z.number().min(0).max(1),
  })
  .strict();
