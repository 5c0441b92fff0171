import { describe, expect, it } from 'vitest';
import { ScriptedPolicy } from '../../env/policies/scripted.ts';
import { parseRecording, recordEpisode, replayEpisode } from '../../env/recording.ts';
import { resolveTask } from '../../env/task.ts';

function record() {
  const task = resolveTask('space-invaders');
  return recordEpisode(task, 5, new ScriptedPolicy(task.game));
}

describe('recordings', () => {
  it('replays a recording through JSON and reproduces its trajectory hash and return', () => {
    const recording = record();
    const loaded = parseRecording(JSON.stringify(recording));
    const replay = replayEpisode(loaded);
    expect(replay.matches).toBe(true);
    expect(replay.trajectoryHash).toBe(recording.trajectoryHash);
    expect(replay.steps).toBe(recording.actions.length);
    expect(replay.return).toBe(recording.return);
  });

  it('notices a changed action, seed or hash', () => {
    const recording = record();
    const flip = recording.actions[3] === '5' ? '0' : '5';
    const changed = { ...recording, actions: recording.actions.slice(0, 3) + flip + recording.actions.slice(4) };
    let result: boolean;
    try {
      result = replayEpisode(changed).matches;
    } catch (error) {
      // A changed action may also end the episode early or late, which replay reports as an error.
      expect((error as Error).message).toMatch(/^replay diverged: the episode (ended after|did not end after)/);
      result = false;
    }
    expect(result).toBe(false);
    expect(replayEpisode({ ...recording, trajectoryHash: '0123456789abcdef' }).matches).toBe(false);
    expect(() => replayEpisode({ ...recording, actions: `${recording.actions}0` })).toThrow(
      `replay diverged: the episode ended after ${recording.actions.length} of the recording's ${recording.actions.length + 1} actions`,
    );
  });

  it('validates a recording file at load with clear errors', () => {
    const good = JSON.stringify(record());
    expect(() => parseRecording('{ not json')).toThrow('recording is not valid JSON');
    const bad = (patch: object) => JSON.stringify({ ...JSON.parse(good), ...patch });
    expect(() => parseRecording(bad({ seed: 'x' }))).toThrow('invalid recording: recording.seed: Invalid input: expected number, received string (got "x")');
    expect(() => parseRecording(bad({ actions: '0127' }))).toThrow('recording.actions: must be a non-empty string of action digits 0–5');
    expect(() => parseRecording(bad({ seed: -1 }))).toThrow('recording.seed: Too small');
    expect(() => parseRecording(bad({ trajectoryHash: 'xyz' }))).toThrow('recording.trajectoryHash: must be 16 lowercase hex digits');
    expect(() => parseRecording(bad({ format: 'other' }))).toThrow('recording.format: Invalid input: expected "dgr-env-episode"');
    expect(() => parseRecording(bad({ task: { game: 'breakout', ramping: 'yes' } }))).toThrow('recording.task.ramping: Invalid input: expected boolean');
  });
});
