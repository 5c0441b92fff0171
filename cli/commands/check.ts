/** `dgr check`: runs the quick presets and fails when a result drifts out of its pinned band. */
import { Option, type Command } from 'commander';
import type { AgentEvent } from '../../agent/events.ts';
import type { AgentResult } from '../../agent/result.ts';
import type { RunResult } from '../../core/continual.ts';
import { findExperiment } from '../../core/experiments/presets.ts';
import type { ClassificationEvent } from '../../core/run-events.ts';
import { QUICK_TARGETS, type Target } from '../../core/experiments/targets.ts';
import { backendOption, nativeOption, startBackend } from '../options.ts';
import { watching } from '../../runner/watchers.ts';
import { progressReporter } from '../reporters/progress.ts';

const nameOf = (t: Target): string => `${t.experiment}${t.scenario ? `/${t.scenario}` : ''}/${t.arm}`;
// The RL targets' names, without loading agent/ (and tfjs) for --help; agent/targets.ts holds the bands.
export const RL_TARGET_NAMES = ['rl/learner/freeway-slow', 'rl/gr/distilled', 'rl/gr-minus-none'];

const row = (ok: boolean, name: string, what: string, value: number, min: number, max: number, measured: number): string =>
  `${ok ? 'ok  ' : 'FAIL'} ${name.padEnd(28)} ${what} ${(100 * value).toFixed(2).padStart(6)} %  band [${(100 * min).toFixed(1)}, ${(100 * max).toFixed(1)}]  pinned ${(100 * measured).toFixed(2)}`;

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('run the quick presets and compare each result with its pinned band (core/experiments/targets.ts, agent/targets.ts)')
    .addOption(backendOption())
    .addOption(nativeOption())
    .addOption(new Option('--only <names...>', 'only these targets, named experiment[/scenario]/arm').choices([...QUICK_TARGETS.map(nameOf), ...RL_TARGET_NAMES]))
    .action(async (opts: { backend: string; native: boolean; only?: string[] }) => {
      const backend = await startBackend(opts.backend as never, opts.native);
      const { runContinual } = await import('../../core/continual.ts');
      const targets = QUICK_TARGETS.filter((t) => !opts.only || opts.only.includes(nameOf(t)));
      const rows: string[] = [];
      let failures = 0;
      for (const target of targets) {
        const config = findExperiment(target.experiment).build('quick', { arm: target.arm, seed: 1, scenario: target.scenario });
        const { acc } = await watching<ClassificationEvent, RunResult>([progressReporter(nameOf(target))], (events) => runContinual(config, { backend, events }));
        const ok = acc >= target.min && acc <= target.max;
        if (!ok) failures++;
        rows.push(row(ok, nameOf(target), 'ACC', acc, target.min, target.max, target.measured));
        process.stderr.write(`${rows[rows.length - 1]}\n`);
      }
      // The RL quick preset runs once for all its targets (its arms share the learners).
      const rlWanted = RL_TARGET_NAMES.filter((n) => !opts.only || opts.only.includes(n));
      if (rlWanted.length > 0) {
        const { RL_QUICK_TARGETS, RL_TARGET_ARMS } = await import('../../agent/targets.ts');
        const { agentPreset } = await import('../../agent/presets.ts');
        const { runAgent } = await import('../../agent/run.ts');
        const result = await watching<AgentEvent, AgentResult>([progressReporter('rl quick')], (events) => runAgent(agentPreset('quick', { arms: RL_TARGET_ARMS, seed: 1 }), { backend, events }));
        for (const target of RL_QUICK_TARGETS.filter((t) => rlWanted.includes(t.name))) {
          const value = target.read(result);
          const ok = value >= target.min && value <= target.max;
          if (!ok) failures++;
          rows.push(row(ok, target.name, 'score', value, target.min, target.max, target.measured));
          process.stderr.write(`${rows[rows.length - 1]}\n`);
        }
      }
      const total = targets.length + rlWanted.length;
      process.stdout.write(`\n${rows.join('\n')}\n${total - failures} of ${total} targets within their bands\n`);
      if (failures > 0) throw new Error(`${failures} result(s) drifted out of their pinned bands`);
    });
}
