/** `dgr bench env`: environment steps per second per game, plain and vectorised, on one core. */
import { Option, type Command } from 'commander';
import { benchGame, type GameBench } from '../../env/bench.ts';
import { resolveTask } from '../../env/task.ts';
import { GAMES } from '../../env/types.ts';
import { benchJson, benchStarted } from '../bench-json.ts';
import { intOption } from '../options.ts';

const CLOCKS = {
  // CPU time of this process: steps per second of one busy core, even when other work shares the machine.
  cpu: () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  },
  wall: () => performance.now(),
} as const;

export function registerBenchEnv(bench: Command): void {
  bench
    .command('env')
    .description('environment steps per second per game on this thread: single env and vectorised (default tasks, sticky actions on)')
    .option('--steps <n>', 'environment steps timed per game and form', intOption('--steps', 1000, 100_000_000), 300_000)
    .option('--envs <n>', 'copies in the vectorised form', intOption('--envs', 1, 65_536), 256)
    .addOption(new Option('--clock <clock>', 'time by CPU time of this process or by wall time').choices(Object.keys(CLOCKS)).default('cpu'))
    .option('--json', 'print JSON: { "games": [{ "game", "stepsPerSecond", "vectorisedStepsPerSecond", "bytesPerEnv" }], "provenance" } (the code and machine that measured)')
    .action((options: { steps: number; envs: number; clock: keyof typeof CLOCKS; json?: boolean }) => {
      // The games step in plain JavaScript: no engine computes.
      const started = benchStarted('none (the games alone)');
      const games: GameBench[] = GAMES.map((game) =>
        benchGame(resolveTask(game), { steps: options.steps, numEnvs: options.envs, seed: 0, clock: CLOCKS[options.clock] }),
      );
      if (options.json) {
        process.stdout.write(benchJson({ games }, started, 2));
        return;
      }
      const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
      const lines = [
        `steps per second (${options.clock} time), vectorised over ${options.envs} copies:`,
        `${'game'.padEnd(16)}${'single'.padStart(14)}${'vectorised'.padStart(14)}${'bytes/env'.padStart(11)}`,
      ];
      for (const g of games) {
        lines.push(
          `${g.game.padEnd(16)}${fmt(g.stepsPerSecond).padStart(14)}${fmt(g.vectorisedStepsPerSecond).padStart(14)}${String(g.bytesPerEnv).padStart(11)}`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
