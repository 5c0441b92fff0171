/**
 * The Phaser scene: the game as the agent plays it (with its score, action and Q-values), the dreams of the
 * selected consolidation (or, for a classification run, the generated digits of the selected task), and the
 * human player's game. Everything is drawn from env's layout and palette.
 */
import * as Phaser from 'phaser';
import { GRID, OBSERVATION_SIZE } from '../../env/layout.ts';
import { ACTIONS, DOWN, FIRE, LEFT, NOOP, RIGHT, UP } from '../../env/types.ts';
import { SERIES_COLOURS } from './charts.ts';
import { AGENT, DREAMS, DREAMS_CAPTION_WIDTH, HUMAN } from './stage-layout.ts';
import { drawBoard, drawObservation, qBars } from './draw.ts';
import { HUMAN_STEPS_PER_SECOND, type HumanPlay } from './human.ts';
import type { RunState } from './run-state.ts';

const TEXT = { fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: '14px', color: '#c8cde0' };
const TITLE = { ...TEXT, fontSize: '13px', color: '#7f89a8' };
const SMALL = { ...TEXT, fontSize: '11px', color: '#8e97b3' };

const KEY_ACTIONS: Record<string, number> = { ArrowLeft: LEFT, ArrowUp: UP, ArrowRight: RIGHT, ArrowDown: DOWN, ' ': FIRE, Space: FIRE };

/** What the scene shows for tests and for people poking at the page (window.dgrViewer). */
export interface ViewerProbe {
  /** Agent frames drawn so far. */
  frames: number;
  renderer: 'webgl' | 'canvas' | 'unknown';
  humanSteps: number;
  /** The human game's current observation (700 cells of 0/1). */
  humanObservation(): number[];
  curvePoints(): number;
  dreams(): number;
  /** Who plays which game in the latest frame, at which frame of the run. */
  frame(): { game: number; player: string; frame: number } | null;
  /** The episode a GIF download gives: who played which game, and each frame's observation and score. */
  recordedEpisode(): { game: number; player: string; complete: boolean; frames: { observation: number[]; score: number }[] } | null;
  /** The stage's captions (their text and the box they cover, in stage pixels), so a test can see overlaps. */
  captions(): Record<string, Caption>;
  /** The arms side by side as last drawn: each arm's game, score and step. */
  sideBySide(): { arm: string; game: number; score: number; step: number }[];
  /** Sets of arm frames drawn so far. */
  armFrames: number;
}

export interface Caption {
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function caption(t: Phaser.GameObjects.Text): Caption {
  const b = t.getBounds();
  return { text: t.text, left: b.left, top: b.top, right: b.right, bottom: b.bottom };
}

export class ViewerScene extends Phaser.Scene {
  private agent!: Phaser.GameObjects.Graphics;
  private dreamGraphics!: Phaser.GameObjects.Graphics;
  private humanGraphics!: Phaser.GameObjects.Graphics;
  private agentTitle!: Phaser.GameObjects.Text;
  private agentInfo!: Phaser.GameObjects.Text;
  private qLabels: Phaser.GameObjects.Text[] = [];
  private dreamTitle!: Phaser.GameObjects.Text;
  private dreamLabels: Phaser.GameObjects.Text[] = [];
  private dreamNote!: Phaser.GameObjects.Text;
  private humanTitle!: Phaser.GameObjects.Text;
  private humanInfo!: Phaser.GameObjects.Text;
  private digits: Phaser.Textures.CanvasTexture | null = null;
  private digitImage: Phaser.GameObjects.Image | null = null;
  private drawnFrame = -1;
  private drawnVersion = -1;
  private drawnDream = -2;
  private humanClock = 0;
  private readonly held = new Set<number>();
  /** Which consolidation's dreams (or task's samples) to show; null follows the newest. */
  dreamIndex: number | null = null;

  constructor(
    private readonly state: RunState,
    private readonly human: HumanPlay,
    private readonly probe: ViewerProbe,
  ) {
    super('viewer');
  }

  create(): void {
    this.probe.renderer = this.game.renderer.type === Phaser.WEBGL ? 'webgl' : this.game.renderer.type === Phaser.CANVAS ? 'canvas' : 'unknown';
    const agentHeading = this.add.text(AGENT.x, 10, 'THE AGENT PLAYS', TITLE);
    this.agentTitle = this.add.text(AGENT.x, 28, 'waiting for the run …', { ...TEXT, wordWrap: { width: 300 } });
    this.agent = this.add.graphics();
    drawBoard(this.agent, AGENT.x, AGENT.y, AGENT.cell);
    this.agentInfo = this.add.text(AGENT.x, AGENT.y + GRID * AGENT.cell + 8, '', SMALL);
    for (let a = 0; a < ACTIONS.length; a++) {
      this.qLabels.push(this.add.text(AGENT.x + a * 47 + 23, AGENT.y + GRID * AGENT.cell + 96, '', SMALL).setOrigin(0.5, 0));
    }

    const dreamsHeading = this.add.text(DREAMS.x, 10, 'DREAMS OF PAST GAMES', TITLE);
    // The caption wraps inside the dreams' column so a long one never runs into the human game's title.
    this.dreamTitle = this.add.text(DREAMS.x, 28, 'after the first consolidation', { ...TEXT, wordWrap: { width: DREAMS_CAPTION_WIDTH } });
    this.dreamNote = this.add.text(DREAMS.x, DREAMS.y + DREAMS.rows * (DREAMS.pitch + 14) + 2, '', SMALL);
    this.dreamGraphics = this.add.graphics();
    for (let i = 0; i < DREAMS.columns * DREAMS.rows; i++) {
      const [x, y] = this.dreamAt(i);
      this.dreamLabels.push(this.add.text(x + (GRID * DREAMS.cell) / 2, y + GRID * DREAMS.cell + 3, '', SMALL).setOrigin(0.5, 0));
    }

    const humanHeading = this.add.text(HUMAN.x, 10, 'YOU PLAY', TITLE);
    this.humanTitle = this.add.text(HUMAN.x, 28, '', TEXT);
    this.humanGraphics = this.add.graphics();
    this.humanInfo = this.add.text(HUMAN.x, HUMAN.y + GRID * HUMAN.cell + 8, '', SMALL);
    this.drawHuman();
    const titles = { agentHeading, agent: this.agentTitle, dreamsHeading, dreams: this.dreamTitle, humanHeading, human: this.humanTitle };
    this.probe.captions = () => Object.fromEntries(Object.entries(titles).map(([name, t]) => [name, caption(t)]));

    const typing = (e: KeyboardEvent): boolean => {
      const target = e.target as HTMLElement | null;
      return target !== null && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA');
    };
    window.addEventListener('keydown', (e) => {
      const action = KEY_ACTIONS[e.key];
      if (action === undefined || typing(e)) return;
      e.preventDefault();
      this.held.add(action);
      // A press starts a waiting game at once, so a quick tap is never lost between clock ticks.
      if (this.human.waiting) this.stepHuman(action);
    });
    window.addEventListener('keyup', (e) => {
      const action = KEY_ACTIONS[e.key];
      if (action !== undefined) this.held.delete(action);
    });
    window.addEventListener('blur', () => this.held.clear());
  }

  private dreamAt(i: number): [number, number] {
    return [DREAMS.x + (i % DREAMS.columns) * DREAMS.pitch, DREAMS.y + Math.floor(i / DREAMS.columns) * (DREAMS.pitch + 14)];
  }

  private stepHuman(action: number): void {
    this.human.step(action);
    this.probe.humanSteps++;
    this.drawHuman();
  }

  override update(_time: number, delta: number): void {
    this.humanClock += delta;
    const period = 1000 / HUMAN_STEPS_PER_SECOND;
    if (this.humanClock >= period) {
      this.humanClock %= period;
      if (!this.human.waiting) {
        // The most recent key held wins; none held is NOOP.
        const action = [...this.held].pop() ?? NOOP;
        this.stepHuman(action);
      }
    }
    if (this.state.frameVersion !== this.drawnFrame) {
      this.drawnFrame = this.state.frameVersion;
      this.drawAgent();
    }
    const dream = this.dreamIndex ?? -1;
    if (this.state.version !== this.drawnVersion || dream !== this.drawnDream) {
      this.drawnVersion = this.state.version;
      this.drawnDream = dream;
      this.drawDreams();
      this.drawHuman();
      if (!this.state.frame) this.drawAgentIdle();
    }
  }

  private gameName(game: number): string {
    return this.state.taskNames[game] ?? `game ${game}`;
  }

  private drawAgentIdle(): void {
    const run = this.state.run;
    if (run?.kind === 'classification') {
      this.agentTitle.setText(`${run.config.experiment as string}: no game in a classification run`);
      this.agentInfo.setText('per-task accuracy: see the curves below');
    } else if (this.state.state === 'replay' || this.state.state === 'finished' || this.state.state === 'stopped') {
      this.agentTitle.setText(`the run is ${this.state.state === 'replay' ? 'a replay' : this.state.state}: no live game`);
    }
  }

  private drawAgent(): void {
    const f = this.state.frame;
    if (!f) return;
    this.probe.frames++;
    this.agent.clear();
    drawObservation(this.agent, f.observation, AGENT.x, AGENT.y, AGENT.cell);
    drawBoard(this.agent, AGENT.x, AGENT.y, AGENT.cell);
    const who = f.player === 'learner' ? 'learner (training)' : 'scholar (consolidated)';
    this.agentTitle.setText(`${this.gameName(f.game)} · ${who}`);
    this.agentInfo.setText(
      `score ${f.score.toFixed(0).padStart(3)}   step ${String(f.step).padStart(5)}   frame ${f.frame.toLocaleString('en')}\n` +
        `action ${ACTIONS[f.action] ?? f.action}   reward ${f.reward.toFixed(0)}`,
    );
    // Q-values as bars around their mean; the greedy action's bar is bright, the chosen one outlined.
    const q = f.qValues;
    if (q.length === 0) return;
    const top = AGENT.y + GRID * AGENT.cell + 42;
    const height = 50;
    const { heights, greedy } = qBars(q, height, 6);
    for (let a = 0; a < q.length; a++) {
      const h = heights[a];
      const x = AGENT.x + a * 47 + 6;
      this.agent.fillStyle(a === greedy ? 0x50dc78 : 0x3a4663, 1);
      this.agent.fillRect(x, top + height - h, 34, h);
      if (a === f.action) {
        this.agent.lineStyle(2, 0xf0c83c, 1);
        this.agent.strokeRect(x - 2, top + height - h - 2, 38, h + 4);
      }
      this.qLabels[a]?.setText(`${ACTIONS[a]}\n${q[a].toFixed(2)}`);
    }
  }

  private drawDreams(): void {
    const g = this.dreamGraphics;
    g.clear();
    this.digitImage?.setVisible(false);
    for (const label of this.dreamLabels) label.setText('');
    if (this.state.run?.kind === 'classification') return this.drawDigits();
    const all = this.state.dreams;
    if (all.length === 0) {
      this.dreamTitle.setText('none yet: after the first consolidation');
      return;
    }
    const index = Math.min(this.dreamIndex ?? all.length - 1, all.length - 1);
    const d = all[index];
    const arm = this.state.run?.arms[d.arm] ?? `arm ${d.arm}`;
    this.dreamTitle.setText(`${arm} after ${this.gameName(d.game)}: G's samples, Q's action`);
    this.dreamNote.setText("outline: the game a dream looks like (curves' colours)");
    const shown = Math.min(d.actions.length, DREAMS.columns * DREAMS.rows);
    for (let i = 0; i < shown; i++) {
      const [x, y] = this.dreamAt(i);
      const like = d.resembles[i];
      g.lineStyle(2, like >= 0 ? Number.parseInt(SERIES_COLOURS[like % SERIES_COLOURS.length].slice(1), 16) : 0x2a3045, 1);
      g.strokeRect(x - 2, y - 2, GRID * DREAMS.cell + 4, GRID * DREAMS.cell + 4);
      drawObservation(g, d.observations.subarray(i * OBSERVATION_SIZE, (i + 1) * OBSERVATION_SIZE), x, y, DREAMS.cell, 0);
      this.dreamLabels[i].setText(ACTIONS[d.actions[i]] ?? String(d.actions[i]));
    }
  }

  /** A classification run's generated inputs of the selected task, in a grid, labelled by the solver. */
  private drawDigits(): void {
    const all = this.state.samples;
    if (all.length === 0) {
      this.dreamTitle.setText('generated inputs: after the first task');
      return;
    }
    const index = Math.min(this.dreamIndex ?? all.length - 1, all.length - 1);
    const s = all[index];
    const [h, w, c] = s.shape;
    const columns = 8;
    const count = Math.min(s.labels.length, 64);
    const rows = Math.ceil(count / columns);
    const width = columns * (w + 2);
    const height = rows * (h + 2);
    if (!this.digits || this.digits.width !== width || this.digits.height !== height) {
      if (this.textures.exists('digits')) this.textures.remove('digits');
      this.digits = this.textures.createCanvas('digits', width, height);
      this.digitImage?.destroy();
      this.digitImage = null;
    }
    const texture = this.digits!;
    const image = texture.context.createImageData(width, height);
    for (let k = 0; k < count; k++) {
      const ox = (k % columns) * (w + 2) + 1;
      const oy = Math.floor(k / columns) * (h + 2) + 1;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const src = k * h * w * c + (y * w + x) * c;
          const dst = ((oy + y) * width + ox + x) * 4;
          image.data[dst] = s.pixels[src];
          image.data[dst + 1] = s.pixels[src + (c > 1 ? 1 : 0)];
          image.data[dst + 2] = s.pixels[src + (c > 2 ? 2 : 0)];
          image.data[dst + 3] = 255;
        }
      }
    }
    texture.context.putImageData(image, 0, 0);
    texture.refresh();
    if (!this.digitImage) this.digitImage = this.add.image(DREAMS.x, DREAMS.y, 'digits').setOrigin(0, 0);
    const scale = Math.min(350 / width, 380 / height);
    this.digitImage.setScale(scale).setVisible(true);
    const arm = this.state.run?.arms[s.arm] ?? '';
    this.dreamTitle.setText(`${arm}: G's samples after ${this.gameName(s.task)}`);
    this.dreamNote.setText(`the solver labels them: ${s.labels.slice(0, 12).join(' ')} …`);
  }

  private drawHuman(): void {
    const g = this.humanGraphics;
    g.clear();
    drawObservation(g, this.human.observation, HUMAN.x, HUMAN.y, HUMAN.cell);
    drawBoard(g, HUMAN.x, HUMAN.y, HUMAN.cell);
    this.humanTitle.setText(this.human.task);
    const games = this.state.taskNames;
    const k = games.indexOf(this.human.task);
    const episode = k >= 0 ? this.state.episodes.get(k) : undefined;
    const agent = episode ? episode.return.toFixed(0) : '–';
    const status = this.human.waiting ? 'press an arrow key or space to start' : `step ${this.human.steps}`;
    const last = this.human.lastScore === null ? '' : `   last ${this.human.lastScore}   best ${this.human.best}`;
    this.humanInfo.setText(
      `you ${String(this.human.score).padStart(3)}${last}\nagent ${agent} (its last episode)\nscripted ${this.human.scriptedScore().toFixed(1)} (mean of 5)\n${status}`,
    );
  }
}
