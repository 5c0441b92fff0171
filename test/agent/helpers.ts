import type { AgentArm, AgentConfig } from '../../agent/config.ts';
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
