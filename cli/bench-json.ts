/**
 * What `dgr bench … --json` prints: the measurements with the provenance a result file carries beside them
 * (core/provenance.ts): the code, the engine path and the machine that measured, the command and when. A speed is
 * the machine's as much as the code's: the same RL learner, number for number, ran at 970 frames/s on one machine
 * of this workplace and at a third of that on another (docs/RESULTS.md, the protocol's seeds).
 */
import { finishProvenance, startProvenance, type Provenance } from '../core/provenance.ts';
import { commandLine } from './options.ts';

/** The provenance of a benchmark starting now, on `engine` (core/engine/backend.ts engineOf, once started). */
export const benchStarted = (engine: string): Provenance => startProvenance(engine, commandLine());

/** The JSON line(s) of a finished benchmark: its measurements, then its provenance, stamped with the end. */
export function benchJson(measured: object, started: Provenance, indent?: number): string {
  return `${JSON.stringify({ ...measured, provenance: finishProvenance(started) }, null, indent)}\n`;
}
