import type { AgentArm, AgentConfig } from '../../agent/config.ts';
import type { AgentResult } from '../../agent/result.ts';
import { OBSERVATION_SIZE } from '../../env/layout.ts';
import { makeEnv } from '../../env/single.ts';
import { agentPreset } from '../../agent/presets.ts';

/** The quick preset shrunk to test scale: two short games, tiny consolidations, few evaluation episodes. */
export function tinyConfig(arms: AgentArm[], overrides: Partial<AgentConfig> = {}): AgentConfig {
  const quick = agentPreset('quick', { arms, framesPerGame: 1_600, iterations: 30, generatorIterations: 30 });
  return {
    ...quick,
    learner: { ...quick.learner, bufferSize: 2_000, learningStarts: 400, epsilon: { start: 1, end: 0.1, decayFrames: 800 } },
    scholar: { ...quick.scholar, batchSize: 16, observations: 600 },
    generator: { ...quick.generator, batchSize: 16 },
    er: { capacity: 300 },
    evaluation: { every: 800, episodes: 2, maxSteps: 60, referenceEpisodes: 2 },
    ...overrides,
  };
}

/** n frames of a game played with a fixed cycle of actions (action k·stride mod 6 at step k), from `seed`. */
export function playedFrames(game: string, n: number, seed: number, stride: number): Uint8Array {
  const env = makeEnv(game);
  const out = new Uint8Array(n * OBSERVATION_SIZE);
  let { observation } = env.reset(seed);
  for (let k = 0; k < n; k++) {
    out.set(observation, k * OBSERVATION_SIZE);
    const step = env.step((k * stride) % 6);
    observation = step.terminated || step.truncated ? env.reset().observation : step.observation;
  }
  return out;
}

/** What must agree between two runs of the same config (an uninterrupted one and a resumed one): all but wall
 *  times (of the consolidations' time, the dream filter's draws, which are counts). */
export function numbers(r: AgentResult) {
  return {
    learners: r.learners.map(({ seconds: _s, ...rest }) => rest),
    learnerCurves: r.learnerCurves,
    arms: r.arms.map(({ seconds, ...a }) => ({
      ...a,
      dreams: a.dreams.map((d) => d && { ...d, observations: Array.from(d.observations) }),
      draws: seconds?.map((t) => t.dreams && { drawn: t.dreams.drawn, replayed: t.dreams.replayed }),
    })),
    reference: r.reference,
  };
}
