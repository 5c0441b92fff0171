/** What the report needs to know about a run config beyond its fields: scenario, image shape, a title. */
import type { RunConfig, StreamSpec } from '../config.ts';
import { DIGIT_DOMAIN_SHAPE } from '../data/domains/mnist-rgb.ts';
import { MNIST_SHAPE } from '../data/mnist.ts';
import type { ImageShape, Scenario } from '../data/types.ts';

/** The continual-learning scenario a stream runs in (domain pairs and the scholar chain are domain-incremental). */
export function scenarioOf(stream: StreamSpec): Scenario {
  return stream.kind === 'split-mnist' || stream.kind === 'permuted-mnist' ? stream.scenario : 'domain';
}

/** [height, width, channels] of the stream's inputs (and of its generated samples). */
export function imageShape(stream: StreamSpec): ImageShape {
  // The digit domains are all brought to 32×32 RGB; the other streams are MNIST.
  return stream.kind === 'domains' ? DIGIT_DOMAIN_SHAPE : MNIST_SHAPE;
}

export const SCENARIO_NAMES: Record<Scenario, string> = {
  task: 'task-incremental',
  domain: 'domain-incremental',
  class: 'class-incremental',
};

/** e.g. "split-mnist · gr · class-incremental". */
export function runTitle(config: Pick<RunConfig, 'experiment' | 'arm' | 'stream'>): string {
  return `${config.experiment} · ${config.arm} · ${SCENARIO_NAMES[scenarioOf(config.stream)]}`;
}
