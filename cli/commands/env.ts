/** `dgr env ...`: list the games, score the reference policies, record and replay episodes, check schedules. */
import { readFileSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { RandomPolicy } from '../../env/policies/random.ts';
import { ScriptedPolicy } from '../../env/policies/scripted.ts';
import type { Policy } from '../../env/policies/policy.ts';
import { episodeGif, type EpisodeFrame } from '../../env/episode-gif.ts';
import { parseRecording, recordEpisode, replayEpisode, type Recording } from '../../env/recording.ts';
import { parseSchedule } from '../../env/schedule.ts';
import { scorePolicy } from '../../env/score.ts';
import { describeGame, resolveTask, type Task } from '../../env/task.ts';
import { GAMES } from '../../env/types.ts';
import { describeVariant, VARIANTS } from '../../env/variants.ts';
import { intOption } from '../options.ts';
import { ensureWritableFile } from '../../core/run-folder.ts';

const POLICIES = ['random', 'scripted'] as const;
type PolicyName = (typeof POLICIES)[number];

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${what} '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} '${file}' is not valid JSON: ${(error as Error).message}`);
  }
}

/** `--task` takes a game, a variant, or a path to a task JSON file. */
function loadTask(value: string): Task {
  return value.endsWith('.json') ? resolveTask(readJson(value, 'task file'), `task file ${value}`) : resolveTask(value);
}

/** The recorded episode replayed into a GIF, every frame from the first; returns its frame count. */
function writeEpisodeGif(recording: Recording, file: string): number {
  const frames: EpisodeFrame[] = [];
  replayEpisode(recording, (observation, score) => frames.push({ observation, score }));
  writeFileSync(file, episodeGif(frames));
  return frames.length;
}

function makePolicy(name: PolicyName, task: Task): Policy {
  return name === 'random' ? new RandomPolicy() : new ScriptedPolicy(task.game);
}

const taskHelp = 'a game, a variant (see `dgr env list`) or a task JSON file';
const seedOption = (what: string) =>
  new Option('--seed <n>', what).argParser(intOption('--seed', 0, 0xffffffff)).default(0);

export function registerEnv(program: Command): void {
  const env = program
    .command('env')
    .description('game environments: list them, score reference policies, record and replay episodes');

  env
    .command('list')
    .description('the games and their named variants')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      if (options.json) {
        const games = GAMES.map((game) => ({ game, description: describeGame(game) }));
        const variants = Object.entries(VARIANTS).map(([name, task]) => ({ name, ...task }));
        process.stdout.write(`${JSON.stringify({ games, variants }, null, 2)}\n`);
        return;
      }
      const lines = ['games:'];
      for (const game of GAMES) lines.push(`  ${game.padEnd(16)} ${describeGame(game)}`);
      lines.push('variants:');
      for (const name of Object.keys(VARIANTS)) lines.push(`  ${name.padEnd(26)} ${describeVariant(name)}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  env
    .command('score')
    .description('returns of the random and the scripted policy (mean, std, min, max over episodes)')
    .requiredOption('--task <task>', taskHelp)
    .option('--episodes <n>', 'episodes per policy', intOption('--episodes', 1, 1_000_000), 100)
    .addOption(seedOption('seed of the first episode; episode e uses seed + e'))
    .option('--json', 'print JSON')
    .action((options: { task: string; episodes: number; seed: number; json?: boolean }) => {
      const task = loadTask(options.task);
      const scores = POLICIES.map((name) => {
        const { returns: _returns, ...summary } = scorePolicy(task, makePolicy(name, task), options.episodes, options.seed);
        return summary;
      });
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ task: task.name, seed: options.seed, scores }, null, 2)}\n`);
        return;
      }
      const lines = [
        `task ${task.name}: ${options.episodes} episodes per policy from seed ${options.seed}`,
        `${'policy'.padEnd(10)}${'mean'.padStart(10)}${'std'.padStart(10)}${'min'.padStart(8)}${'max'.padStart(8)}${'mean length'.padStart(13)}`,
      ];
      for (const s of scores) {
        lines.push(
          `${s.policy.padEnd(10)}${s.mean.toFixed(2).padStart(10)}${s.std.toFixed(2).padStart(10)}${String(s.min).padStart(8)}${String(s.max).padStart(8)}${s.meanLength.toFixed(0).padStart(13)}`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  env
    .command('record')
    .description('play one episode with a reference policy and write it as a JSON recording')
    .requiredOption('--task <task>', taskHelp)
    .addOption(seedOption('seed of the episode'))
    .addOption(new Option('--policy <name>', 'who plays').choices(POLICIES).default('scripted'))
    .requiredOption('--out <file>', 'where to write the recording')
    .option('--gif <file>', "also write the episode as an animated GIF (env's palette, the score above the board)")
    .action((options: { task: string; seed: number; policy: PolicyName; out: string; gif?: string }) => {
      const task = loadTask(options.task);
      ensureWritableFile(options.out, '--out');
      const recording = recordEpisode(task, options.seed, makePolicy(options.policy, task));
      writeFileSync(options.out, `${JSON.stringify(recording, null, 2)}\n`);
      process.stdout.write(
        `recorded ${task.name} seed ${options.seed}: ${recording.actions.length} steps, return ${recording.return}, ` +
          `hash ${recording.trajectoryHash} → ${options.out}\n`,
      );
      if (options.gif) process.stdout.write(`${writeEpisodeGif(recording, options.gif)} frames → ${options.gif}\n`);
    });

  env
    .command('replay')
    .description('replay a recording and check that it reproduces the recorded trajectory hash')
    .argument('<file>', 'a recording written by `dgr env record`')
    .action((file: string) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new Error(`cannot read recording '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const recording = parseRecording(text, file);
      const replay = replayEpisode(recording);
      if (!replay.matches) {
        throw new Error(
          `replay does not match the recording: hash ${replay.trajectoryHash} (recorded ${recording.trajectoryHash}), ` +
            `return ${replay.return} (recorded ${recording.return})`,
        );
      }
      process.stdout.write(
        `ok: ${recording.task.name} seed ${recording.seed}, ${replay.steps} steps, return ${replay.return}, hash ${replay.trajectoryHash}\n`,
      );
    });

  env
    .command('check-schedule')
    .description('validate a task schedule JSON file and print its tasks')
    .argument('<file>', 'a schedule: { "tasks": [ { "task": <name or task JSON>, "steps": <n> }, ... ] }')
    .action((file: string) => {
      const schedule = parseSchedule(readJson(file, 'schedule'));
      const lines = [`schedule ${schedule.name}: ${schedule.tasks.length} tasks, ${schedule.totalSteps} steps`];
      for (const t of schedule.tasks) lines.push(`  ${String(t.start).padStart(12)}  ${t.task.name} for ${t.steps} steps`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
