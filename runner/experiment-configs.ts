/**
 * An experiment's run configs from its preset and the overrides a command line or a sweep spec gives, one per
 * arm, validated as a whole; and the SVHN files the domain experiments need, asked for before any work.
 */
import type { ArmName } from '../core/arms.ts';
import { parseRunConfig, type RunConfig } from '../core/config.ts';
import { findExperiment, type GeneratorChoice, type PresetName, type SolverKind } from '../core/experiments/presets.ts';
import { DEFAULT_SVHN_DIR, missingSvhnFiles, SVHN_FILES, SVHN_URL } from '../core/data/domains/svhn.ts';

/** Run settings the command line may change in any config, preset or saved. */
export interface RunSettingOverrides {
  iterations?: number;
  generatorIterations?: number;
  batchSize?: number;
  lr?: number;
  r?: number | 'tasks-so-far';
  evalEvery?: number;
}

/** A preset's settings a run may override (the command line's options, a sweep spec's fields). */
export interface RunOverrides extends RunSettingOverrides {
  preset: PresetName;
  scenario?: 'task' | 'domain' | 'class';
  seed: number;
  generator?: GeneratorChoice;
  solver?: SolverKind;
  svhnDir?: string;
  parallel: boolean;
}

/** Run settings applied over `base` (a preset's config or a saved one), validated as a whole. */
export function withOverrides(base: RunConfig, opts: RunSettingOverrides, parallel: boolean, source: string): RunConfig {
  const config: RunConfig = {
    ...base,
    ...(opts.iterations !== undefined ? { iterations: opts.iterations } : {}),
    ...(opts.generatorIterations !== undefined ? { generatorIterations: opts.generatorIterations } : {}),
    ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
    ...(opts.r !== undefined ? { importance: opts.r === 'tasks-so-far' ? opts.r : { fixed: opts.r } } : {}),
    ...(opts.evalEvery !== undefined ? { evalEvery: opts.evalEvery } : {}),
    parallel,
  };
  if (opts.lr !== undefined) config.solver = { ...config.solver, adam: { ...config.solver.adam, lr: opts.lr } };
  // Validate the combination as a whole, as a saved config would be.
  return parseRunConfig(config, source);
}

/** One validated config per arm (default: the experiment's own arms) from the preset and the overrides. */
export function experimentConfigs(name: string, arms: readonly ArmName[] | undefined, opts: RunOverrides): RunConfig[] {
  const experiment = findExperiment(name);
  if (opts.scenario && !experiment.scenarios?.includes(opts.scenario)) {
    throw new Error(`experiment ${name} has no scenarios to choose from (--scenario is for split-mnist and permuted-mnist)`);
  }
  return (arms ?? experiment.arms).map((arm) => {
    const preset = experiment.build(opts.preset, {
      arm,
      seed: opts.seed,
      scenario: opts.scenario,
      svhnDir: opts.svhnDir,
      solver: opts.solver,
      generator: opts.generator,
    });
    return withOverrides(preset, opts, opts.parallel, 'command line');
  });
}

/** Says which SVHN files are missing before any work starts, in terms of the command's options. */
export function requireSvhn(configs: readonly RunConfig[]): void {
  for (const { stream } of configs) {
    if (stream.kind !== 'domains' || !stream.domains.includes('svhn')) continue;
    const missing = missingSvhnFiles(stream.svhnDir);
    if (missing.length === 0) continue;
    const where = stream.svhnDir === undefined ? `the default folder ${DEFAULT_SVHN_DIR}` : `--svhn-dir ${stream.svhnDir}`;
    throw new Error(
      `${where}: missing ${missing.join(' and ')}. This experiment needs your own copy of SVHN: download ` +
        `${SVHN_FILES.train} and ${SVHN_FILES.test} (format 2, cropped digits) from ${SVHN_URL} and pass ` +
        `--svhn-dir <the folder that holds them>.`,
    );
  }
}
