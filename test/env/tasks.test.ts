import { describe, expect, it } from 'vitest';
import { OBSERVATION_SIZE, PLAYER } from '../../env/layout.ts';
import { parseSchedule, ScheduledVectorEnv } from '../../env/schedule.ts';
import { makeEnv } from '../../env/single.ts';
import { createVectorEnv, resolveTask } from '../../env/task.ts';
import { LEFT } from '../../env/types.ts';
import { VARIANTS } from '../../env/variants.ts';
import { createBuffers } from '../../env/vector.ts';
import { cellsOf } from './helpers.ts';

describe('tasks', () => {
  it('resolves games and variants by name with every default filled in', () => {
    const task = resolveTask('freeway/fast');
    expect(task).toMatchObject({ name: 'freeway/fast', game: 'freeway', stickyActions: 0.1, ramping: true, settings: { trafficSpeed: 2 } });
    expect(resolveTask('breakout').settings).toEqual({ brickRows: 3 });
    expect(resolveTask('freeway/steady')).toMatchObject({ game: 'freeway', ramping: false, settings: { trafficSpeed: 1 } });
    for (const name of Object.keys(VARIANTS)) expect(resolveTask(name).name).toBe(name);
  });

  it('rejects bad tasks with errors that name the field and the problem', () => {
    expect(() => resolveTask('pong')).toThrow("unknown task 'pong' (expected one of: breakout, asterix,");
    expect(() => resolveTask({ game: 'pong' })).toThrow("invalid task: task.game: Invalid discriminator value. Expected 'breakout' | 'asterix'");
    expect(() => resolveTask({ game: 'breakout', stickyActions: 1.5 })).toThrow('task.stickyActions: Too big: expected number to be <1 (got 1.5)');
    expect(() => resolveTask({ game: 'freeway', settings: { trafficSped: 2 } })).toThrow('task.settings: Unrecognized key: "trafficSped"');
    expect(() => resolveTask({ game: 'breakout', settings: { brickRows: 5 } })).toThrow('task.settings.brickRows: Too big');
    expect(() => resolveTask({ game: 'breakout', maxEpisodeSteps: 2.5 })).toThrow('task.maxEpisodeSteps: Invalid input: expected int');
    expect(() => resolveTask({ game: 'asterix', controls: 'upside-down' })).toThrow('task.controls: Invalid option');
  });

  it('mirrors the controls with a wrapper: left moves the paddle right', () => {
    const normal = createVectorEnv(resolveTask({ game: 'breakout', stickyActions: 0 }), 1);
    const mirrored = createVectorEnv(resolveTask({ game: 'breakout', stickyActions: 0, controls: 'mirrored' }), 1);
    normal.reset(0);
    mirrored.reset(0);
    normal.step([LEFT]);
    mirrored.step([LEFT]);
    expect(cellsOf(normal.observations, PLAYER)).toEqual(['4,9']);
    expect(cellsOf(mirrored.observations, PLAYER)).toEqual(['6,9']);
  });

  it('plays a thin-wall variant with one row of bricks', () => {
    const env = makeEnv('breakout/thin-wall');
    const { observation } = env.reset(0);
    let bricks = 0;
    for (let k = 4; k < OBSERVATION_SIZE; k += 7) bricks += observation[k];
    expect(bricks).toBe(10);
  });
});

const ARRAYS = [
  'observations',
  'finalObservations',
  'rewards',
  'terminated',
  'truncated',
  'scores',
  'frames',
  'episodeReturns',
  'episodeLengths',
] as const;

describe('wrappers', () => {
  it('hold the arrays the game writes and report its task, game and spaces', () => {
    const task = resolveTask('breakout/mirrored');
    expect(task.controls).toBe('mirrored');
    expect(task.stickyActions).toBeGreaterThan(0);
    const buffers = createBuffers(3);
    const env = createVectorEnv(task, 3, buffers);
    expect(env.numEnvs).toBe(3);
    for (const name of ARRAYS) expect(env[name], name).toBe(buffers[name]);
    expect(env.game).toBe('breakout');
    expect(env.taskName).toBe('breakout/mirrored');
    expect(env.observationSpace.shape).toEqual([3, 10, 10, 7]);
    expect(env.actionSpace.shape).toEqual([3]);
    expect(env.singleActionSpace.n).toBe(6);
  });
});

describe('schedules', () => {
  it('rejects bad schedules with errors that name the field', () => {
    expect(() => parseSchedule({ tasks: [] })).toThrow('invalid schedule: schedule.tasks: a schedule needs at least one task');
    expect(() => parseSchedule({ tasks: [{ task: 'breakout', steps: 10 }, { task: 'asterix', steps: -5 }] })).toThrow(
      'schedule.tasks[1].steps: Too small: expected number to be >=1 (got -5)',
    );
    expect(() => parseSchedule({ tasks: [{ task: 'tetris', steps: 10 }] })).toThrow("schedule.tasks[0].task: unknown task 'tetris'");
    expect(() => parseSchedule({ tasks: [{ task: { game: 'seaquest', settings: { oxygen: 5 } }, steps: 10 }] })).toThrow(
      'schedule.tasks[0].task.settings.oxygen: Too small',
    );
    expect(() => parseSchedule({ task: [] })).toThrow('schedule: Unrecognized key: "task"');
  });

  it('switches task at the step boundary, cutting off every running episode', () => {
    const schedule = parseSchedule({ tasks: [{ task: 'freeway', steps: 40 }, { task: 'breakout/mirrored', steps: 40 }] });
    expect(schedule.totalSteps).toBe(80);
    const env = new ScheduledVectorEnv(schedule, 4);
    const observations = env.observations;
    const arrays = ARRAYS.map((name) => env[name]);
    env.reset(1);
    expect(env.taskName).toBe('freeway');
    expect(env.game).toBe('freeway');
    for (let t = 0; t < 9; t++) env.step([0, 0, 0, 0]);
    expect(env.taskIndex).toBe(0);
    env.step([0, 0, 0, 0]);
    expect(env.taskIndex).toBe(1);
    expect(env.taskName).toBe('breakout/mirrored');
    expect(env.game).toBe('breakout');
    expect(Array.from(env.truncated)).toEqual([1, 1, 1, 1]);
    expect(Array.from(env.episodeLengths)).toEqual([10, 10, 10, 10]);
    expect(Array.from(env.frames)).toEqual([0, 0, 0, 0]);
    expect(env.observations).toBe(observations);
    ARRAYS.forEach((name, k) => expect(env[name], name).toBe(arrays[k]));
    for (let t = 0; t < 10; t++) env.step([0, 0, 0, 0]);
    expect(env.finished).toBe(true);
    expect(() => env.step([0, 0, 0, 0])).toThrow('is finished (80 steps)');
  });
});
