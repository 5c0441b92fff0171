/**
 * What the viewer knows of the run: filled from the history the server sends on subscribe, then kept current by
 * live messages. Reset at every hello (a restarted server is another session; the same one resends its history).
 */
import {
  decodeArmFrames,
  decodeDreams,
  decodeFrame,
  decodeSamples,
  OPCODE_ARM_FRAMES,
  OPCODE_DREAMS,
  OPCODE_FRAME,
  OPCODE_SAMPLES,
  type Dreams,
  type Frame,
  type Samples,
} from '../../protocol/binary.ts';
import type { Capability, ControlState, CurvePoint, Episode, JobState, Progress, RunInfo, ServerMessage, TaskEnd } from '../../protocol/messages.ts';

export class RunState {
  session: string | null = null;
  run: RunInfo | null = null;
  state: JobState = 'starting';
  stateMessage = '';
  capabilities: Capability[] = [];
  control: ControlState = { paused: false, framesPerSecond: 0, watch: null };
  progress: Progress | null = null;
  readonly series = new Map<string, CurvePoint[]>();
  taskEnds: Omit<TaskEnd, 'type'>[] = [];
  readonly episodes = new Map<number, Omit<Episode, 'type'>>();
  dreams: Dreams[] = [];
  samples: Samples[] = [];
  frame: Frame | null = null;
  /** The arms side by side (run.arms order), once asked for. */
  armFrames: Frame[] | null = null;
  /** Bumped on every change the panels draw from (frames and arm frames have their own counters). */
  version = 0;
  frameVersion = 0;
  armFramesVersion = 0;

  reset(): void {
    this.run = null;
    this.progress = null;
    this.series.clear();
    this.taskEnds = [];
    this.episodes.clear();
    this.dreams = [];
    this.samples = [];
    this.frame = null;
    this.armFrames = null;
    this.version++;
  }

  /** How many games each arm's scholar has consolidated (its rows of R), in run.arms order. */
  get consolidated(): number[] {
    return (this.run?.arms ?? []).map((arm) => this.taskEnds.filter((e) => e.series === arm).length);
  }

  /** Names of the run's games or tasks. */
  get taskNames(): string[] {
    if (!this.run) return [];
    return this.run.kind === 'rl' ? this.run.games : this.run.tasks;
  }

  /** Where each game or task starts on the curves' x axis, and where the run ends. */
  get boundaries(): number[] {
    const run = this.run;
    if (!run) return [];
    if (run.kind === 'classification') return run.tasks.map((_, k) => k * run.iterations).concat(run.tasks.length * run.iterations);
    const out = [0];
    for (const f of run.frames) out.push(out[out.length - 1] + f);
    return out;
  }

  private addPoint(p: CurvePoint): void {
    let list = this.series.get(p.series);
    if (!list) this.series.set(p.series, (list = []));
    list.push(p);
  }

  apply(m: ServerMessage): void {
    switch (m.type) {
      case 'hello':
        if (m.session !== this.session) this.session = m.session;
        this.reset();
        this.run = m.run;
        this.state = m.state;
        this.capabilities = m.capabilities;
        this.control = m.control;
        break;
      case 'run':
        this.run = m.run;
        break;
      case 'status':
        this.state = m.state;
        this.stateMessage = m.message ?? '';
        break;
      case 'history':
        // The history's binary messages (dreams, samples) follow it: they replace what was drawn.
        this.dreams = [];
        this.samples = [];
        this.series.clear();
        for (const p of m.points) this.addPoint(p);
        for (const list of this.series.values()) list.sort((a, b) => a.x - b.x);
        this.taskEnds = m.taskEnds;
        this.episodes.clear();
        for (const e of m.episodes) this.episodes.set(e.game, e);
        this.progress = m.progress;
        break;
      case 'progress':
        this.progress = m;
        break;
      case 'curve':
        this.addPoint(m.point);
        break;
      case 'task-end': {
        const { type: _, ...end } = m;
        this.taskEnds.push(end);
        break;
      }
      case 'episode': {
        const { type: _, ...episode } = m;
        this.episodes.set(m.game, episode);
        break;
      }
      case 'side-by-side':
        if (!m.on) this.armFrames = null;
        break;
      case 'control':
      case 'ack':
        this.control = m.control;
        break;
      case 'error':
        return;
    }
    this.version++;
  }

  applyBinary(bytes: Uint8Array): void {
    switch (bytes[0]) {
      case OPCODE_FRAME:
        this.frame = decodeFrame(bytes);
        this.frameVersion++;
        return;
      case OPCODE_ARM_FRAMES:
        this.armFrames = decodeArmFrames(bytes);
        this.armFramesVersion++;
        return;
      case OPCODE_DREAMS:
        this.dreams.push(decodeDreams(bytes));
        break;
      case OPCODE_SAMPLES: {
        const s = decodeSamples(bytes);
        this.samples = this.samples.filter((o) => o.arm !== s.arm || o.task !== s.task).concat(s);
        break;
      }
      default:
        console.warn(`dgr: unknown binary opcode ${bytes[0]}`);
        return;
    }
    this.version++;
  }
}
