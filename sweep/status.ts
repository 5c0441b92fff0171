/**
 * `dgr sweep status`: how many runs wait, run, are done or failed; each run's line (progress and ETA of a running
 * one, its error for a failed one); and when the sweep will end, from the rates measured so far.
 */
import { duration } from '../core/report/markdown.ts';
import { describeJob } from './jobs.ts';
import { kindOf, parsePayload } from './kinds/index.ts';
import type { ListedJob, RunState } from './listing.ts';

const STATES: readonly RunState[] = ['waiting', 'active', 'done', 'failed', 'not queued'];

/** The run's words, or its id when its data is not a job this version reads. */
function labelOf(entry: ListedJob): string {
  if (!entry.job) return entry.id;
  try {
    return describeJob(parsePayload(entry.job.data));
  } catch {
    return entry.id;
  }
}

interface Timing {
  /** Seconds left of a running run, when its rates are known. */
  readonly left: number | null;
  /** Seconds a whole run took (a finished one) or will take (a running one), when known. */
  readonly whole: number | null;
}

function detail(entry: ListedJob, now: number): { text: string; timing: Timing } {
  const job = entry.job;
  const none = { left: null, whole: null };
  if (!job) return { text: '', timing: none };
  // An error of several lines (a job's data with many bad fields) stays under its run.
  if (entry.state === 'failed') return { text: `error: ${job.failedReason.split('\n').join('\n      ')}`, timing: none };
  let kind;
  try {
    kind = kindOf(parsePayload(job.data));
  } catch {
    return { text: '(not a job this version reads)', timing: none };
  }
  if (entry.state === 'done') {
    const result = kind.result.safeParse(job.returnvalue);
    if (!result.success) return { text: `done (its result is not a dgr ${job.data.kind} result)`, timing: none };
    const seconds = kind.seconds(result.data);
    return { text: `${kind.summary(result.data)}, ${duration(seconds)}`, timing: { left: 0, whole: seconds } };
  }
  const view = kind.progress;
  const progress = view.schema.safeParse(job.progress);
  if (entry.abandoned) {
    const reached = progress.success ? `; it had reached ${view.reached(progress.data)}` : '';
    return { text: `its worker is gone (lock lapsed): a worker starting resumes it first${reached}`, timing: none };
  }
  if (entry.state === 'active' && !progress.success) return { text: `starting${job.processedBy ? `, on ${job.processedBy}` : ''}`, timing: none };
  if (entry.state !== 'active' || !progress.success) {
    // A run put back in the queue (worker stopped or lost) says how far it got.
    return { text: progress.success ? `back in the queue after ${view.reached(progress.data)}` : '', timing: none };
  }
  const { parts, etaSeconds, share } = view.running(progress.data);
  const elapsed = job.processedOn ? (now - job.processedOn) / 1000 : null;
  // The whole run at this attempt's pace: time so far plus time left, scaled to the part this attempt covers.
  const whole = etaSeconds !== null && elapsed !== null && share > 0 ? (elapsed + etaSeconds) / share : null;
  return { text: [...parts, ...(job.processedBy ? [`on ${job.processedBy}`] : [])].join(', '), timing: { left: etaSeconds, whole } };
}

/** The status as lines of text. */
export function statusText(where: string, jobs: readonly ListedJob[], now = Date.now()): string {
  const counts = new Map<RunState, number>(STATES.map((s) => [s, 0]));
  for (const j of jobs) counts.set(j.state, counts.get(j.state)! + 1);
  const abandoned = jobs.filter((j) => j.abandoned).length;
  const summary = STATES.filter((s) => s !== 'not queued' || counts.get(s)! > 0)
    .map((s) => `${counts.get(s)} ${s}${s === 'active' && abandoned > 0 ? ` (${abandoned} without a worker)` : ''}`)
    .join(', ');
  const lines = [`${where}: ${jobs.length} runs: ${summary}`];
  const labels = jobs.map(labelOf);
  const width = Math.max(0, ...labels.map((l) => l.length));
  const timings: { state: RunState; timing: Timing }[] = [];
  jobs.forEach((entry, k) => {
    const { text, timing } = detail(entry, now);
    // A run no worker holds runs no more than a waiting one does.
    timings.push({ state: entry.abandoned ? 'waiting' : entry.state, timing });
    lines.push(`  ${entry.state.padEnd(10)} ${labels[k].padEnd(width)}  ${text}`.trimEnd());
  });
  lines.push(sweepEta(timings, timings.filter((t) => t.state === 'waiting').length));
  return `${lines.join('\n')}\n`;
}

/**
 * When the sweep will end: the running runs' time left, plus the waiting runs at the mean time of a run (finished
 * runs' times, else the running runs' projected times), shared among as many runs at once as are running now.
 */
function sweepEta(timings: readonly { state: RunState; timing: Timing }[], waiting: number): string {
  const active = timings.filter((t) => t.state === 'active');
  if (active.length === 0 && waiting === 0) return 'nothing left to run';
  if (active.length === 0) return `ETA unknown: ${waiting} runs waiting and none running (is a worker up?)`;
  const left = active.map((t) => t.timing.left);
  if (left.some((s) => s === null)) return 'ETA unknown until every running run has timed a tenth of a task';
  const finished = timings.filter((t) => t.state === 'done' && t.timing.whole !== null).map((t) => t.timing.whole!);
  const projected = active.map((t) => t.timing.whole).filter((s): s is number => s !== null);
  const sample = finished.length > 0 ? finished : projected;
  if (waiting > 0 && sample.length === 0) return 'ETA unknown: no run has been timed yet';
  const perRun = sample.length > 0 ? sample.reduce((a, b) => a + b, 0) / sample.length : 0;
  const seconds = (left.reduce((a, b) => a! + b!, 0)! + waiting * perRun) / active.length;
  return (
    `ETA about ${duration(seconds)} (${active.length} running, ${waiting} waiting` +
    `${waiting > 0 ? `; a run takes about ${duration(perRun)} by ${finished.length > 0 ? `${finished.length} finished` : 'the running'} runs` : ''})`
  );
}
