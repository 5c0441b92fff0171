/** Builds the task stream a run config names (core/data does the work; this maps config to options). */
import type { StreamSpec } from './config.ts';
import { domainPair } from './data/domains/index.ts';
import { limitSplits } from './data/dataset.ts';
import { loadMnist } from './data/mnist.ts';
import { permutedMnist, splitMnist } from './data/streams.ts';
import type { TaskStream } from './data/types.ts';
import { Rng } from './engine/random.ts';

export function buildStream(spec: StreamSpec, seed: number): TaskStream {
  switch (spec.kind) {
    case 'split-mnist':
      return splitMnist({ scenario: spec.scenario, classOrder: spec.classOrder, tasksCount: spec.tasks, limit: spec.limit, seed });
    case 'permuted-mnist':
      return permutedMnist({ tasks: spec.tasks, scenario: spec.scenario, limit: spec.limit, seed });
    case 'domains':
      return domainPair(spec.domains[0], spec.domains[1], { seed, limit: spec.limit, svhnDir: spec.svhnDir });
    case 'mnist-chain': {
      // Paper Table 1: every generation is tested on the same MNIST test set; only the first sees real data.
      const splits = limitSplits(loadMnist(), spec.limit, new Rng(seed).fork('mnist-chain limit'));
      const units = Array.from({ length: 10 }, (_, u) => u);
      const tasks = Array.from({ length: spec.generations }, (_, index) => ({
        index,
        name: `scholar ${index + 1}`,
        ...splits,
        units,
      }));
      return { name: 'mnist-chain', scenario: 'domain', outputs: 10, shape: splits.train.shape, tasks };
    }
  }
}

/** How many tasks a stream of this spec has, without loading its data. */
export function taskCount(spec: StreamSpec): number {
  switch (spec.kind) {
    case 'split-mnist':
    case 'permuted-mnist':
      return spec.tasks;
    case 'domains':
      return spec.domains.length;
    case 'mnist-chain':
      return spec.generations;
  }
}
