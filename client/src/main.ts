/**
 * The viewer page: one connection to `dgr serve`, the run's state, the Phaser stage (agent, dreams, human play)
 * and the HTML panels (curves, R over time, controls). `window.dgrViewer` exposes counters for tests.
 */
import * as Phaser from 'phaser';
import { OPCODE_ARM_FRAMES } from '../../protocol/binary.ts';
import { MAX_HISTORY_POINTS, type ControlCommand, type ServerMessage } from '../../protocol/messages.ts';
import { drawCurves, drawHeatmap, SERIES_COLOURS } from './charts.ts';
import { episodeGif } from '../../env/episode-gif.ts';
import { Connection } from './connection.ts';
import { EpisodeRecorder } from './episode-recorder.ts';
import { HUMAN_TASKS, HumanPlay } from './human.ts';
import { RunState } from './run-state.ts';
import { ViewerScene, type ViewerProbe } from './scene.ts';
import { ArmsPanel } from './side-by-side.ts';
import { STAGE_HEIGHT, STAGE_WIDTH } from './stage-layout.ts';

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} missing from index.html`);
  return element as T;
};

const state = new RunState();
const human = new HumanPlay();
const recorder = new EpisodeRecorder();
const probe: ViewerProbe = {
  frames: 0,
  renderer: 'unknown',
  humanSteps: 0,
  humanObservation: () => Array.from(human.observation),
  curvePoints: () => [...state.series.values()].reduce((n, list) => n + list.length, 0),
  dreams: () => state.dreams.length + state.samples.length,
  frame: () => (state.frame ? { game: state.frame.game, player: state.frame.player, frame: state.frame.frame } : null),
  recordedEpisode: () => {
    const e = recorder.latest();
    return e && { game: e.game, player: e.player, complete: e.complete, frames: e.frames.map((f) => ({ observation: Array.from(f.observation), score: f.score })) };
  },
  captions: () => ({}),
  sideBySide: () => arms.shown.map((a) => ({ ...a })),
  armFrames: 0,
};
(window as unknown as { dgrViewer: ViewerProbe }).dgrViewer = probe;

// The token comes with the URL `dgr serve` prints (#token=...), kept out of the server's logs and history.
const tokenInput = $<HTMLInputElement>('token');
tokenInput.value = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';

const arms = new ArmsPanel($('arms'));
const scene = new ViewerScene(state, human, probe);
new Phaser.Game({
  type: Phaser.AUTO,
  parent: 'stage',
  width: STAGE_WIDTH,
  height: STAGE_HEIGHT,
  backgroundColor: '#0b0d16',
  pixelArt: true,
  scene,
  banner: false,
});

// ---- human play
const humanSelect = $<HTMLSelectElement>('human-game');
for (const name of HUMAN_TASKS) humanSelect.add(new Option(name, name));
humanSelect.addEventListener('change', () => {
  human.choose(humanSelect.value);
  humanSelect.blur();
});

// ---- dreams slider
const slider = $<HTMLInputElement>('dream-slider');
const sliderOut = $<HTMLOutputElement>('dream-index');
slider.addEventListener('input', () => {
  const count = state.run?.kind === 'classification' ? state.samples.length : state.dreams.length;
  const index = Number(slider.value);
  scene.dreamIndex = index >= count - 1 ? null : index;
  sliderOut.textContent = `${index + 1} / ${count}`;
});

// ---- the latest episode as a GIF
$<HTMLButtonElement>('episode-gif').addEventListener('click', () => {
  const episode = recorder.latest();
  if (!episode) {
    reply.textContent = 'no episode shown yet';
    return;
  }
  const game = (state.taskNames[episode.game] ?? `game-${episode.game}`).replace(/[^a-z0-9-]+/gi, '-');
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([episodeGif(episode.frames) as Uint8Array<ArrayBuffer>], { type: 'image/gif' }));
  link.download = `${game}-${episode.player}-frame${episode.frame}.gif`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
});

// ---- the arms side by side: asked for only while the box is ticked (the run plays those games only then)
const armsToggle = $<HTMLInputElement>('arms-toggle');
const askSideBySide = (): void => {
  connection.send({ type: 'side-by-side', id: `s${++requests}`, on: armsToggle.checked });
};
armsToggle.addEventListener('change', () => {
  askSideBySide();
  renderPanels();
});
let drawnArmFrames = -1;
function drawArms(): void {
  if (!state.armFrames || state.armFramesVersion === drawnArmFrames) return;
  drawnArmFrames = state.armFramesVersion;
  arms.draw(state.armFrames, state.consolidated);
  probe.armFrames++;
}

// ---- controls
let requests = 0;
const pending = new Map<string, string>();
const reply = $<HTMLParagraphElement>('control-reply');
function control(command: ControlCommand): void {
  const id = `c${++requests}`;
  pending.set(id, command.op);
  if (!connection.send({ type: 'control', id, token: tokenInput.value, command })) reply.textContent = 'not connected';
}
const pauseButton = $<HTMLButtonElement>('pause');
pauseButton.addEventListener('click', () => control({ op: state.control.paused ? 'resume' : 'pause' }));
const speed = $<HTMLSelectElement>('speed');
speed.addEventListener('change', () => control({ op: 'speed', framesPerSecond: Number(speed.value) }));
const watch = $<HTMLSelectElement>('watch');
watch.addEventListener('change', () => control({ op: 'watch', game: watch.value === '' ? null : Number(watch.value) }));
tokenInput.addEventListener('input', () => renderPanels());

// ---- curves
const seriesSelect = $<HTMLSelectElement>('series');
/** Until a person picks a series, the first arm's (R) is shown once it has points. */
let seriesChosen = false;
seriesSelect.addEventListener('change', () => {
  seriesChosen = true;
  renderPanels();
});

function renderPanels(): void {
  const run = state.run;
  const names = state.taskNames;
  $('run-title').textContent = run
    ? `${run.kind === 'rl' ? 'RL' : String(run.config.experiment)} · ${run.arms.join(', ')} · ${names.join(' → ')} · ${state.state}${state.stateMessage ? `: ${state.stateMessage}` : ''}`
    : `waiting for the run (${state.state})`;
  const p = state.progress;
  $('progress').textContent = p
    ? `${names[p.task] ?? p.task} · ${p.phase} · ${Math.round(p.done).toLocaleString('en')} / ${Math.round(p.total).toLocaleString('en')}` +
      (p.framesPerSecond ? ` · ${Math.round(p.framesPerSecond).toLocaleString('en')} frames/s` : '') +
      (p.etaSeconds !== null ? ` · ETA ${Math.round(p.etaSeconds / 60)} min` : '')
    : '';

  // Series: the arms, then the learner's own curve (RL).
  const available = [...state.series.keys()];
  const wanted = [...(run?.arms ?? []), ...available].filter((s, i, all) => all.indexOf(s) === i && available.includes(s));
  if (seriesSelect.options.length !== wanted.length || wanted.some((s, i) => seriesSelect.options[i]?.value !== s)) {
    const keep = seriesChosen ? seriesSelect.value : wanted[0];
    seriesSelect.replaceChildren(...wanted.map((s) => new Option(s === 'learner' ? 'learner (its game only)' : available.includes('learner') ? `${s} (thin: the learner)` : s, s)));
    if (wanted.includes(keep)) seriesSelect.value = keep;
  }
  const points = state.series.get(seriesSelect.value) ?? [];
  const chart = {
    points,
    names,
    boundaries: state.boundaries,
    yLabel: run?.kind === 'classification' ? 'test accuracy' : 'normalised score',
    xLabel: run?.kind === 'classification' ? 'solver iterations' : 'frames',
    now: p?.done ?? 0,
    behind: seriesSelect.value !== 'learner' ? state.series.get('learner') : undefined,
  };
  drawCurves($<HTMLCanvasElement>('curves'), chart);
  drawHeatmap($<HTMLCanvasElement>('heatmap'), chart);
  $('curves-legend').replaceChildren(
    ...names.map((name, k) => {
      const item = document.createElement('span');
      item.style.color = SERIES_COLOURS[k % SERIES_COLOURS.length];
      item.textContent = `■ ${name}`;
      return item;
    }),
  );

  const count = run?.kind === 'classification' ? state.samples.length : state.dreams.length;
  $('dream-slider-name').textContent = run?.kind === 'classification' ? 'after task' : 'consolidation';
  slider.max = String(Math.max(0, count - 1));
  slider.disabled = count < 2;
  if (scene.dreamIndex === null) slider.value = slider.max;
  sliderOut.textContent = count === 0 ? '–' : `${(scene.dreamIndex ?? count - 1) + 1} / ${count}`;

  const can = (c: string): boolean => state.capabilities.includes(c as never);
  const hasToken = tokenInput.value.length > 0;
  pauseButton.textContent = state.control.paused ? 'resume' : 'pause';
  pauseButton.disabled = !can('pause') || !hasToken;
  speed.disabled = !can('speed') || !hasToken;
  watch.disabled = !can('watch') || !hasToken;
  if (watch.options.length !== names.length + 1) {
    watch.replaceChildren(new Option("the learner's game", ''), ...names.map((n, k) => new Option(`scholar on ${n}`, String(k))));
  }
  watch.value = state.control.watch === null ? '' : String(state.control.watch);
  const cap = String(state.control.framesPerSecond);
  if (Array.from(speed.options).some((o) => o.value === cap)) speed.value = cap;
  $('control-note').textContent = hasToken ? '' : '(view only: open the URL with #token=… the server printed, or paste the token)';

  const armsPanel = $('arms-panel');
  armsPanel.hidden = !can('side-by-side') || run?.kind !== 'rl' || run.arms.length < 2;
  if (run?.kind === 'rl') arms.setArms(run.arms);
  const compared = names[state.control.watch ?? 0] ?? 'the first game';
  $('arms-note').textContent = armsToggle.checked
    ? `(every arm's scholar on ${compared}, the same episode seeds; the newest scholars after each consolidation${hasToken ? '; pick the game with watch' : ''})`
    : "(every arm's scholar playing the same earlier game at once: tick to watch)";
}

let scheduled = false;
function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    renderPanels();
  });
}

// ---- connection
const indicator = $('connection');
const points = Math.min(MAX_HISTORY_POINTS, 1000);
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
const connection = new Connection(wsUrl, {
  onMessage(m: ServerMessage) {
    if (m.type === 'hello') {
      scene.dreamIndex = null;
      recorder.clear();
      connection.send({ type: 'subscribe', id: 'history', historyPoints: points });
      drawnArmFrames = -1;
      if (armsToggle.checked) askSideBySide();
    }
    if (m.type === 'ack') reply.textContent = `${pending.get(m.id) ?? 'request'}: done`;
    if (m.type === 'error') reply.textContent = `${m.id ? `${pending.get(m.id) ?? m.id}: ` : ''}refused (${m.code}): ${m.message}`;
    if (m.type === 'ack' || m.type === 'error') if (m.id) pending.delete(m.id);
    state.apply(m);
    schedule();
  },
  onBinary(bytes) {
    state.applyBinary(bytes);
    if (bytes[0] === OPCODE_ARM_FRAMES) return void requestAnimationFrame(drawArms);
    if (bytes[0] !== 0x01) schedule();
    else if (state.frame) recorder.add(state.frame);
  },
  onState(s, detail) {
    indicator.dataset.state = s;
    indicator.querySelector('b')!.textContent = detail;
  },
});
connection.open();
renderPanels();
