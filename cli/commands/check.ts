/** `dgr check`: runs the quick presets and fails when a result drifts out of its pinned band. */
import { Option, type Command } from 'commander';
import { findExperiment } from '../../core/experiments/presets.ts';
import { QUICK_TARGETS, type Target } from '../../core/experiments/targets.ts';
import { backendOption, startBackend } from '../options.ts';
import { withProgress } from '../reporters/progress.ts';

const nameOf = (t: Target): string => `${t.experiment}${t.scenario ? `/${t.scenario}` : ''}/${t.arm}`;

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('run the quick presets and compare each ACC with its pinned band (core/experiments/targets.ts)')
    .addOption(backendOption())
    .addOption(new Option('--only <names...>', 'only these targets, named experiment[/scenario]/arm').choices(QUICK_TARGETS.map(nameOf)))
    .action(async (opts: { backend: string; only?: string[] }) => {
      const backend = await startBackend(opts.backend as never);
      const { runContinual } = await import('../../core/continual.ts');
      const targets = QUICK_TARGETS.filter((t) => !opts.only || opts.only.includes(nameOf(t)));
      const rows: string[] = [];
      let failures = 0;
      for (const target of targets) {
        const config = findExperiment(target.experiment).build('quick', { arm: target.arm, seed: 1, scenario: target.scenario });
        const { acc } = await withProgress(nameOf(target), (events) => runContinual(config, { backend, events }));
        const ok = acc >= target.min && acc <= target.max;
        if (!ok) failures++;
        rows.push(
          `${ok ? 'ok  ' : 'FAIL'} ${nameOf(target).padEnd(28)} ACC ${(100 * acc).toFixed(2).padStart(6)} %  band [${(100 * target.min).toFixed(1)}, ${(100 * target.max).toFixed(1)}]  pinned ${(100 * target.measured).toFixed(2)}`,
        );
        process.stderr.write(`${rows[rows.length - 1]}\n`);
      }
      process.stdout.write(`\n${rows.join('\n')}\n${targets.length - failures} of ${targets.length} targets within their bands\n`);
      if (failures > 0) throw new Error(`${failures} result(s) drifted out of their pinned bands`);
    });
}
