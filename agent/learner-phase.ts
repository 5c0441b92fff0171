/**
 * The RL domain's learner phase (./run.ts): before the arms consolidate game k, a short-term double DQN learns it
 * from scratch (./learner.ts). It does not depend on the arm, so every arm consolidates the same learner and a
 * comparison of arms costs one set of learners; with a learner cache (./learner-cache.ts) it is loaded instead of
 * trained. A run asked to stop mid-game checkpoints the learner where it stands (./learner-state.ts), and a run
 * with a checkpoint folder also checkpoints it every few minutes, so a killed one loses minutes of a game.
 */
import { saveCheckpoint } from '../core/checkpoint.ts';
import { engineOf } from '../core/engine/backend.ts';
import type { Rng } from '../core/engine/random.ts';
import { OBSERVATION_SIZE } from '../env/layout.ts';
import { greedyScore, normalisedError, normalisedScore } from './evaluate.ts';
import { learnGame } from './learner.ts';
import type { LearnerState } from './learner-state.ts';
import { claimLearner, hasLearner, learnerKey, loadLearner, saveLearner, type CachedLearner, type LearnerKey } from './learner-cache.ts';
import { checkpointOf, midPhaseCheckpointDue, RunStopped, type Run } from './run.ts';
import { Watcher } from './watch.ts';

/** Game k's learner: trained (or loaded from the learner cache), recorded, and kept for the arms to consolidate. */
export async function learnPhase(run: Run, k: number): Promise<void> {
  const { schedule, options } = run;
  const cache = options.learnerCache;
  if (options.learnersAhead && cache) return learnAhead(run, k, cache);
  const key = cache ? learnerKey(run.config, k, schedule.tasks[k].task, schedule.tasks[k].steps, engineOf()) : null;
  const waits = options.awaitLearners || options.leaveLearner === k;
  const learner = !cache || !key ? await trainLearner(run, k) : waits ? replayLearnerCurve(run, k, await awaitLearner(cache, key, run, k)) : await sharedLearner(run, k, cache, key);
  run.learnerInProgress = null;
  run.record.learners.push(learner.record);
  run.record.learnerSeconds += learner.record.seconds;
  run.record.frames += schedule.tasks[k].steps;
  run.learned = { network: learner.network, observations: learner.observations };
  run.auditFrames[k] = sampleFrames(learner.observations, run.config.audit.frames, run.root.fork(`game ${k} audit frames`));
}

/**
 * Game k's learner trained ahead of the run's learner thread (./arm-threads.ts): while that thread trains game 1's,
 * on which every arm waits, this one trains a later game's on the other core, into the cache where the learner
 * thread then finds it. A game the learner thread starts on, has in the middle of its game (after a restart), or
 * that the cache holds or another run has claimed, is left alone; what is trained here is recorded here (the
 * learner thread loads it as reused; the threads' merge says it was the run's own).
 */
async function learnAhead(run: Run, k: number, cache: string): Promise<void> {
  const { schedule } = run;
  run.record.frames = schedule.tasks.slice(0, k).reduce((sum, t) => sum + t.steps, 0);
  // A learner stopped mid-game goes on only in its own game's phase.
  if (run.learnerInProgress && run.start.task !== k) run.learnerInProgress = null;
  const key = learnerKey(run.config, k, schedule.tasks[k].task, schedule.tasks[k].steps, engineOf());
  if (k === 0 || k === run.options.leaveLearner || hasLearner(cache, key)) return;
  const claimed = claimLearner(cache, key);
  if (!('claim' in claimed)) return;
  try {
    if (hasLearner(cache, key)) return;
    const learner = await trainLearner(run, k);
    saveLearner(cache, key, learner);
    learner.network.dispose();
    run.record.learners.push(learner.record);
  } finally {
    run.learnerInProgress = null;
    claimed.claim.release();
  }
}

/** How often a run whose learners another thread or run trains looks for the next one in the cache. */
const AWAIT_POLL_MS = 1000;

/** Game k's learner once another thread has put it in the cache (./arm-threads.ts); a stop asked for meanwhile
 *  ends the run at its last checkpoint. */
async function awaitLearner(cache: string, key: LearnerKey, run: Run, k: number): Promise<CachedLearner> {
  for (let looks = 0; ; looks++) {
    const learner = loadLearner(cache, key);
    if (learner) return learner;
    if (looks === 0) emitWaiting(run, k);
    await pollPause(run);
  }
}

/** Where a thread waiting for game k's learner stands, or its status would show it at its last phase. */
function emitWaiting(run: Run, k: number): void {
  const { schedule, record } = run;
  run.events.emit({ type: 'progress', kind: 'rl', task: k, phase: 'wait', frame: record.frames, totalFrames: schedule.totalSteps, framesPerSecond: 0, epsilon: null, tdLoss: null, consolidationLoss: null, etaSeconds: null });
}

/** Game k's learner from a cache other runs share: loaded when there, trained and saved here under a claim when
 *  not, waited for while another run's claim is held (./learner-cache.ts). */
async function sharedLearner(run: Run, k: number, cache: string, key: LearnerKey): Promise<CachedLearner> {
  let told = false;
  for (;;) {
    const found = loadLearner(cache, key);
    if (found) return replayLearnerCurve(run, k, found);
    // A run asked to stop takes on no learner: one whose claim was just released as its thread stopped is left to it.
    if (run.control.stop) throw new RunStopped(run.phasesDone);
    const claimed = claimLearner(cache, key);
    if ('claim' in claimed) {
      try {
        // Saved between our look and our claim: load it after all.
        const saved = loadLearner(cache, key);
        if (saved) return replayLearnerCurve(run, k, saved);
        const learner = await trainLearner(run, k);
        saveLearner(cache, key, learner);
        return learner;
      } finally {
        claimed.claim.release();
      }
    }
    // Said once on stderr (the CLI's and a worker's log), where an operator looks when a run seems to stand still,
    // unless this process's own thread ahead trains it (./arm-threads.ts): that wait is the plan, and shown as one.
    if (!told) emitWaiting(run, k);
    if (!told && !claimed.byThisProcess) process.emitWarning(`game ${k + 1}'s learner is being trained by ${claimed.heldBy} into ${cache}: waiting for it`, { code: 'DGR_LEARNER_CLAIMED' });
    told = true;
    await pollPause(run);
  }
}

/** A pause between looks at the cache; a stop asked for meanwhile ends the run at its last checkpoint. */
async function pollPause(run: Run): Promise<void> {
  if (run.control.stop) throw new RunStopped(run.phasesDone);
  await new Promise((resolve) => setTimeout(resolve, AWAIT_POLL_MS));
}

/**
 * How often a phase in its middle is checkpointed (when the run has a checkpoint folder): a learner mid-game, a
 * consolidation between two reports (./run.ts). A killed process (a session's end, an out-of-memory kill) leaves
 * no stop checkpoint: without these it lost the whole game's learner, 30-40 min of a 500k-frame game on a slow
 * machine (issue 30's protocol, 2026-12-07), or the consolidation under way (up to half an hour of GR's). A
 * learner's save copies and writes the replay buffer (140 MB at 100k transitions, about a second), so every 5 min
 * costs under 1 %.
 */
export const MID_PHASE_CHECKPOINT_SECONDS = 300;

/** Game k's short-term learner trained here (from where a stopped one left off), then evaluated greedily. */
async function trainLearner(run: Run, k: number): Promise<CachedLearner> {
  const { config, schedule } = run;
  const task = schedule.tasks[k].task;
  const frames = schedule.tasks[k].steps;
  const startFrame = run.record.frames;
  const started = performance.now();
  const watcher = new Watcher(run, k);
  // A learner resumed mid-game goes on from its saved frame: the rate for the ETA counts frames played since.
  const firstFrame = run.learnerInProgress?.frame ?? 0;
  // Its game's seconds before this process took it up (a learner resumed mid-game), so its record times the game.
  const secondsBefore = run.learnerInProgress?.seconds ?? 0;
  const seconds = (): number => secondsBefore + (performance.now() - started) / 1000;
  // A resumed learner's first rate counts from its saved frame, not from the game's start.
  let lastReport = { at: started, frame: firstFrame };
  const checkpointDir = run.options.checkpointDir;
  // The run's checkpoint with this learner mid-game, timed over every process that trained it.
  const saveMidGame = (dir: string, state: LearnerState): void => saveCheckpoint(dir, checkpointOf(run, { task: k, learned: false, studentsDone: 0 }, { ...state, seconds: seconds() }));
  const outcome = await learnGame(
    { task, frames, settings: config.learner, evaluation: config.evaluation, keepObservations: config.scholar.observations },
    run.root.fork(`game ${k} learner`),
    {
      onStep: (step) => watcher.onLearnerStep(startFrame, step),
      onEpisode: (frame, episodeReturn, length) => run.events.emit({ type: 'episode', game: k, frame: startFrame + frame, return: episodeReturn, length }),
      onEvaluation: (frame, score, seconds) => {
        addLearnerCurvePoint(run, k, startFrame + frame, score);
        // The progress rate is of training frames (acting + learning): the evaluation's time is left out of it. The
        // log writes a line each tenth of a game, just after an evaluation, so it showed a third of the rate.
        lastReport = { ...lastReport, at: lastReport.at + seconds * 1000 };
      },
      onProgress: ({ frame, epsilon, tdLoss }) => {
        const now = performance.now();
        const framesPerSecond = ((frame - lastReport.frame) * 1000) / Math.max(1, now - lastReport.at);
        lastReport = { at: now, frame };
        run.events.emit({
          type: 'progress',
          kind: 'rl',
          task: k,
          phase: 'learn',
          frame: startFrame + frame,
          totalFrames: run.schedule.totalSteps,
          framesPerSecond,
          epsilon,
          tdLoss,
          consolidationLoss: null,
          etaSeconds: eta(run, k, frame, ((frame - firstFrame) * 1000) / Math.max(1, now - started)),
        });
      },
      stopRequested: () => watcher.stopRequested(),
      ...(checkpointDir && {
        checkpoint: {
          due: () => midPhaseCheckpointDue(run),
          save: (state) => saveMidGame(checkpointDir, state),
        },
      }),
    },
    run.learnerInProgress,
  );
  if (outcome.stopped) {
    // Ctrl-C mid-game: checkpoint the learner where it stands, so the next start goes on from this frame.
    if (checkpointDir) saveMidGame(checkpointDir, outcome.state);
    throw new RunStopped(run.phasesDone);
  }
  const { learned } = outcome;
  const { mean: score, sem } = await greedyScore(learned.network, task, config.evaluation.episodes, config.evaluation.maxSteps, evaluationSeed(run, k));
  const record = { game: k, score, normalised: normalisedScore(score, run.record.reference[k]), normalisedSe: normalisedError(sem, run.record.reference[k]), frames, updates: learned.updates, trainingReturn: learned.trainingReturn, seconds: seconds() };
  const curve = run.record.learnerCurves.filter((p) => p.game === k).map(({ frame, score, normalised }) => ({ frame: frame - startFrame, score, normalised }));
  return { network: learned.network, observations: learned.observations, record, curve };
}

/** A cached learner's evaluation curve, recorded and shown as if it had just been measured. */
function replayLearnerCurve(run: Run, k: number, cached: CachedLearner): CachedLearner {
  for (const point of cached.curve) addLearnerCurvePoint(run, k, run.record.frames + point.frame, point.score);
  return cached;
}

function addLearnerCurvePoint(run: Run, k: number, frame: number, score: number): void {
  const normalised = normalisedScore(score, run.record.reference[k]);
  run.record.learnerCurves.push({ frame, game: k, score, normalised });
  run.events.emit({ type: 'curve', kind: 'rl', arm: null, frame, task: k, values: run.record.games.map((_, i) => (i === k ? normalised : null)) });
}

/** Seconds left: frames at the measured rate, consolidations at their measured (or first) time. */
function eta(run: Run, k: number, frame: number, framesPerSecond: number): number | null {
  if (framesPerSecond <= 0 || frame < run.config.learner.numEnvs * 64) return null;
  const framesLeft = run.schedule.tasks.slice(k).reduce((s, t) => s + t.steps, 0) - frame;
  const consolidations = (run.schedule.tasks.length - k) * run.arms.length;
  const perConsolidation = run.record.consolidationSeconds / Math.max(1, k * run.arms.length);
  return framesLeft / framesPerSecond + consolidations * perConsolidation;
}

/** The seed of the greedy episodes that evaluate a network after game k (-1: before the first). */
export const evaluationSeed = (run: Run, k: number): number => run.root.fork(`evaluation after game ${k}`).int(2 ** 31);

function sampleFrames(observations: Uint8Array, n: number, rng: Rng): Uint8Array {
  const m = observations.length / OBSERVATION_SIZE;
  const rows = rng.permutation(m).slice(0, Math.min(n, m));
  const out = new Uint8Array(rows.length * OBSERVATION_SIZE);
  rows.forEach((row, i) => out.set(observations.subarray(row * OBSERVATION_SIZE, (row + 1) * OBSERVATION_SIZE), i * OBSERVATION_SIZE));
  return out;
}

