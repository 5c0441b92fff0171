/**
 * A run's progress for a person, from its events, for both kinds of run: lines of a log (a run into a file or a
 * pipe, a sweep worker's log) — a line every tenth of a task's work with the time so far and an ETA, and lines at
 * the moments that matter (a resume, a task's row of R, the RL learner's score) — or, on a terminal, those same
 * moment lines beside one line rewritten in place at every progress event (cli/reporters/progress.ts). What the
 * kinds show differs only in the words: a classification arm's task, iterations, losses and a bar whose ETA is
 * measured here (./eta.ts: the solver's and the generator's rates apart); an RL run's game, phase, frames, ε and
 * losses with the run's own ETA. Each kind's words are one function below.
 */
import type { AgentEvent } from '../agent/events.ts';
import type { Subscriber } from '../core/events.ts';
import { duration } from '../core/report/markdown.ts';
import type { ClassificationEvent } from '../core/run-events.ts';
import { EtaEstimator, type Eta } from './eta.ts';
import type { AnyRunEvent } from './watchers.ts';

/** A line shown in place on a terminal, each new text replacing the last. */
export interface LiveLine {
  show(text: string): void;
  /** Leaves the line shown, if any, so what is written next starts on a line of its own. */
  end(): void;
}

export interface ProgressReporter {
  /** Subscribe this to a run's events. */
  readonly subscriber: Subscriber<AnyRunEvent>;
  /** Ends the live line (call on completion and on error, so the terminal is left clean). */
  finish(): void;
}

/** A progress event in words: the log's line, the live line's text, and which tenth of the work it falls in
 *  (a log line is written when that changes for its thread; null: never). */
interface ProgressWords {
  readonly line: string;
  readonly live: string;
  readonly tenth: number | null;
  /** The thread it comes from in a run whose arms compute in threads (the two learner threads report at once). */
  readonly part?: string;
}

/** What the log makes of one event: lines to write, and a progress report. */
interface Said {
  readonly lines: readonly string[];
  readonly progress?: ProgressWords;
}

/** How one kind's run reads, made from its start event (keeping what later events are read with). */
interface KindWords<E> {
  readonly start: readonly string[];
  read(e: E): Said;
}

const nothing: Said = { lines: [] };

const fmt = (v: number | null, digits = 3): string => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(digits));
const kilo = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : String(n));
const percents = (xs: readonly number[], digits: number): string => xs.map((a) => (100 * a).toFixed(digits)).join(' ');
/** "23 min 05 s", or "≥ 23 min 05 s" while the generator's share is not known yet. */
const etaText = (eta: Eta | null): string => (eta === null ? '-' : `${eta.lowerBound ? '≥ ' : ''}${duration(eta.seconds)}`);
/** A text bar of `width` cells, `share` of them full. */
const bar = (share: number, width = 24): string => {
  const full = Math.round(Math.min(1, Math.max(0, share)) * width);
  return `[${'='.repeat(full)}${'-'.repeat(width - full)}] ${Math.floor(100 * share)}%`;
};

/**
 * A classification arm: its work in a task is the solver's iterations plus the generator's, so the bar keeps
 * moving while the generator trains after the solver (without a worker) or finishes after it (with one).
 */
function classificationWords(start: Extract<ClassificationEvent, { type: 'start' }>, seconds: () => number): KindWords<ClassificationEvent> {
  const { config, resumedAt, generatorIterations, tasks } = start;
  const eta = new EtaEstimator({ tasks: tasks.length, iterations: config.iterations, generatorIterations: generatorIterations ?? 0, concurrent: config.parallel && generatorIterations !== null });
  const perTask = config.iterations + (generatorIterations ?? 0);
  let accuracy = '-';
  const progress = (p: Extract<ClassificationEvent, { type: 'progress' }>): ProgressWords => {
    eta.update({ task: p.task, iteration: p.iteration, generatorIteration: p.generatorIteration ?? 0 }, seconds());
    const left = etaText(eta.remaining());
    const done = p.iteration + (p.generatorIteration ?? 0);
    const task = `${p.task + 1}/${p.tasks}`;
    const it = `${p.iteration}/${p.iterations}`;
    const gen = p.generatorLoss === null ? '-' : `${fmt(p.generatorLoss)}@${p.generatorIteration}`;
    return {
      line: `task ${task} it ${it} loss ${fmt(p.solverLoss)} gen ${gen} acc ${accuracy} (${duration(seconds())}${left === '-' ? '' : `, ETA ${left}`})`,
      live: `${bar((p.task * perTask + done) / (p.tasks * perTask))} ETA ${left} | task ${task} it ${it} | loss ${fmt(p.solverLoss)} | gen ${gen} | acc ${accuracy}`,
      tenth: p.task * 11 + Math.floor((10 * done) / perTask),
    };
  };
  const taskEnd = ({ task, row, replay }: Extract<ClassificationEvent, { type: 'task-end' }>): string[] => {
    const lines = [`after task ${task + 1}, test accuracy per task (%): ${percents(row, 1)}`];
    if (replay) {
      const shares = replay.units.map((unit) => `${unit}:${(100 * replay.labelShare[unit]).toFixed(0)}`).join(' ');
      lines.push(`replay after task ${task + 1}: solver's labels of ${replay.samples} generated samples (% per class) ${shares}; confidence ${replay.confidence.toFixed(3)}`);
    }
    return lines;
  };
  return {
    start: resumedAt > 0 ? [`resuming from the checkpoint after task ${resumedAt}`] : [],
    read(e) {
      if (e.type === 'progress') return { lines: [], progress: progress(e) };
      if (e.type === 'curve') accuracy = percents(e.values, 0);
      if (e.type !== 'task-end') return nothing;
      accuracy = percents(e.row, 0);
      return { lines: taskEnd(e) };
    },
  };
}

/** An RL run: frames of each game, the learner's phase in tenths of its game, consolidations in the live line only. */
function rlWords(start: Extract<AgentEvent, { type: 'start' }>, seconds: () => number): KindWords<AgentEvent> {
  const { tasks: games, frames, reference } = start;
  const resume = start.resumedAtFrame > 0 ? [`resuming from its checkpoint at frame ${kilo(start.resumedAtFrame)}`] : [];
  const references = games.map((g, i) => `${g} ${reference.random[i].toFixed(1)}/${reference.scripted[i].toFixed(1)}`).join(', ');
  const progress = (e: Extract<AgentEvent, { type: 'progress' }>): ProgressWords => {
    const inGame = e.frame - frames.slice(0, e.task).reduce((s, f) => s + f, 0);
    const line =
      (e.part === undefined ? '' : `${e.part}: `) +
      `game ${e.task + 1}/${games.length} ${games[e.task]} · ${e.phase} · ${kilo(inGame)}/${kilo(frames[e.task] ?? 0)} frames` +
      (e.phase === 'learn'
        ? ` · ${e.framesPerSecond.toFixed(0)} frames/s · ε ${fmt(e.epsilon, 2)} · TD ${fmt(e.tdLoss)}`
        : e.phase === 'wait'
          ? ' · for its learner, which another thread or run trains'
          : `${e.steps ? ` · ${e.steps.of} step ${e.steps.done}/${e.steps.total}` : ''} · loss ${fmt(e.consolidationLoss)}`) +
      ` · ${duration(seconds())}` +
      (e.etaSeconds === null ? '' : ` · ETA ${duration(e.etaSeconds)}`);
    const tenth = e.phase === 'learn' ? Math.floor((10 * inGame) / Math.max(1, frames[e.task])) + 10 * e.task : null;
    return { line, live: line, tenth, part: e.part };
  };
  return {
    start: [...resume, `${games.join(' → ')}; reference (random/scripted): ${references}`],
    read(e) {
      switch (e.type) {
        case 'progress':
          return { lines: [], progress: progress(e) };
        case 'curve':
          return { lines: e.arm === null ? [`learner on ${games[e.task]}: normalised score ${fmt(e.values[e.task], 3)} at frame ${kilo(e.frame)}`] : [] };
        case 'task-end':
          return { lines: [`${e.arm} after ${games[e.task]}: ${e.row.map((v, i) => `${games[i]} ${fmt(v, 3)}`).join(', ')} (learner scored ${e.learnerScore.toFixed(2)})`] };
        default:
          return nothing;
      }
    },
  };
}

/** Progress lines labelled `label` on `out`; with `live`, each progress event is shown in place instead of the
 *  log's tenths. */
export function progressLog(label: string, out: NodeJS.WritableStream = process.stderr, live?: LiveLine): ProgressReporter {
  // The run's kind's words, once its start has said which kind it is.
  let words: { kind: 'rl'; words: KindWords<AgentEvent> } | { kind: 'classification'; words: KindWords<ClassificationEvent> } | null = null;
  const lastTenth = new Map<string | undefined, number>();
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  const say = (line: string): void => {
    live?.end();
    out.write(`${label}: ${line}\n`);
  };
  const progress = (p: ProgressWords): void => {
    if (live) return live.show(`${label}: ${p.live}`);
    if (p.tenth === null || p.tenth === lastTenth.get(p.part)) return;
    lastTenth.set(p.part, p.tenth);
    say(p.line);
  };
  const subscriber: Subscriber<AnyRunEvent> = (e) => {
    if (e.type === 'start') {
      words = e.kind === 'rl' ? { kind: e.kind, words: rlWords(e, seconds) } : { kind: e.kind, words: classificationWords(e, seconds) };
      for (const line of words.words.start) say(line);
      return;
    }
    if (e.type === 'subscriber-error') return say(`a watcher failed on '${e.event}' and was detached: ${e.message}`);
    if (words === null) return;
    // A run's events are all of the kind its start named.
    const said = words.kind === 'rl' ? words.words.read(e as AgentEvent) : words.words.read(e as ClassificationEvent);
    for (const line of said.lines) say(line);
    if (said.progress) progress(said.progress);
  };
  return {
    subscriber,
    finish() {
      live?.end();
    },
  };
}
