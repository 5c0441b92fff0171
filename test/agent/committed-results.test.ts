/** Committed RL results (docs/results/rl) are valid result files that agree with themselves and merge alone to themselves. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../agent/config.ts';
import { labelPreset } from '../../agent/presets.ts';
import { mergeRlResults, parseRlResult } from '../../agent/report/merge.ts';
import { configOf, provenanceSchema } from '../../core/provenance.ts';

const root = join(import.meta.dirname, '..', '..', 'docs', 'results', 'rl');
const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
  // configs/ holds configs to run, not results; a *-probe.json measures a generator, it is no run's result.
  .filter((f) => !f.startsWith('configs/') && !f.endsWith('-probe.json') && (f.endsWith('result.json') || /-[a-z]+\.json$/.test(f)))
  .sort();

describe('committed RL results', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s is an RL result.json with its config, consistent with its own seeds', (file) => {
    const source = join(root, file);
    const text = readFileSync(source, 'utf8');
    const result = parseRlResult(JSON.parse(text), source);
    expect(result.config.arms).toEqual([result.arm]);
    // Its label is true: a preset's name only when the settings are that preset's today.
    expect(labelPreset(result.config)).toEqual(result.config);
    expect(result.preset).toBe(result.config.preset);
    expect(Object.keys(result.retention)).toHaveLength(result.games.length - 1);
    // Merging a file alone gives it back: same keys, same order, same values.
    expect(`${JSON.stringify(mergeRlResults([{ source, result }]), null, 2)}\n`).toBe(text);
  });
});

const all = readdirSync(root, { recursive: true, encoding: 'utf8' });
/** The config.json of each committed run, which records its provenance. */
const configs = all.filter((f) => f.endsWith('config.json')).sort();

describe('committed RL configs', () => {
  it.each(configs)('%s is an RL config with a true preset label and its provenance', (file) => {
    const raw = JSON.parse(readFileSync(join(root, file), 'utf8')) as { provenance?: unknown };
    const config = parseAgentConfig(configOf(raw), file);
    expect(labelPreset(config)).toEqual(config);
    expect(provenanceSchema.parse(raw.provenance).commit).toMatch(/^([0-9a-f]{40}|unknown)$/);
  });
});

describe('committed RL configs to run (configs/)', () => {
  it.each(all.filter((f) => f.startsWith('configs/') && f.endsWith('.json')).sort())('%s has a true preset label', (file) => {
    const config = parseAgentConfig(JSON.parse(readFileSync(join(root, file), 'utf8')), file);
    expect(labelPreset(config)).toEqual(config);
  });
});
