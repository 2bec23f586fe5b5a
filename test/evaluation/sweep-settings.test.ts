import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../src/core/errors.js';
import { loadConfig } from '../../src/config/load-config.js';
import { MAX_SWEEP_SETTINGS, expandSweep, parseSweepAxis } from '../../src/evaluation/sweep-settings.js';

const base = loadConfig(undefined, {}).config;

function errorOf(fn: () => unknown): InvalidConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidConfigError);
    return err as InvalidConfigError;
  }
  throw new Error('expected an error');
}

describe('sweep settings (--set)', () => {
  it('expands several keys into their cartesian product, first key slowest, each a complete validated config', () => {
    const settings = expandSweep(base, ['engine.rateSpike.minCount=10,20,40', 'engine.offHours.enabled=true,false']);
    expect(settings.map((s) => s.label)).toEqual([
      'rateSpike.minCount=10 offHours.enabled=true',
      'rateSpike.minCount=10 offHours.enabled=false',
      'rateSpike.minCount=20 offHours.enabled=true',
      'rateSpike.minCount=20 offHours.enabled=false',
      'rateSpike.minCount=40 offHours.enabled=true',
      'rateSpike.minCount=40 offHours.enabled=false',
    ]);
    expect(settings[3]?.config.engine.rateSpike.minCount).toBe(20);
    expect(settings[3]?.config.engine.offHours.enabled).toBe(false);
    // Everything else stays as in the base configuration.
    expect(settings[3]?.config.engine.rateSpike.peakMultiplier).toBe(base.engine.rateSpike.peakMultiplier);
    expect(settings[3]?.config.input).toEqual(base.input);
    // Only the setting equal to the configuration in use is marked.
    expect(settings.filter((s) => s.isBase).map((s) => s.label)).toEqual(['rateSpike.minCount=20 offHours.enabled=true']);
    // The base is not modified.
    expect(base.engine.rateSpike.minCount).toBe(20);
  });

  it('reads numbers, booleans and input settings by their schema type', () => {
    expect(parseSweepAxis('engine.errorRate.minRatio=0.02, 0.05,0.1')).toEqual({ key: 'engine.errorRate.minRatio', values: [0.02, 0.05, 0.1] });
    expect(parseSweepAxis('input.latenessMs=0,60000')).toEqual({ key: 'input.latenessMs', values: [0, 60000] });
    expect(parseSweepAxis('engine.newSensitiveResource.quietColdStart=false')).toEqual({ key: 'engine.newSensitiveResource.quietColdStart', values: [false] });
  });

  it('rejects a value out of range naming the key and the allowed range', () => {
    expect(errorOf(() => parseSweepAxis('engine.rateSpike.minCount=10,0')).message).toBe(
      '--set engine.rateSpike.minCount: 0 is out of range; allowed: an integer ≥ 1, default 20 — Never fire below this many events in one bucket.',
    );
    expect(errorOf(() => parseSweepAxis('engine.errorRate.minRatio=1.5')).message).toMatch(
      /^--set engine\.errorRate\.minRatio: 1\.5 is out of range; allowed: a number ≥ 0 and ≤ 1, default 0\.05/,
    );
    expect(errorOf(() => parseSweepAxis('engine.sketch.relativeAccuracy=0')).message).toMatch(/allowed: a number > 0 and ≤ 0\.5/);
    expect(errorOf(() => parseSweepAxis('engine.rateSpike.minCount=2.5')).message).toMatch(/2\.5 is out of range; allowed: an integer ≥ 1/);
    expect(errorOf(() => parseSweepAxis('engine.rateSpike.minCount=ten')).message).toMatch(/"ten" is not a number; allowed: an integer ≥ 1/);
    expect(errorOf(() => parseSweepAxis('engine.rateSpike.enabled=yes')).message).toMatch(/"yes" is not true or false/);
  });

  it('rejects unknown keys with the known ones and where the name does exist', () => {
    const e = errorOf(() => parseSweepAxis('engine.rateSpike.minRatio=0.1'));
    expect(e.message).toMatch(
      /unknown key "minRatio" in engine\.rateSpike \(did you mean engine\.errorRate\.minRatio\?\); known keys there: enabled, minCount/,
    );
    expect(errorOf(() => parseSweepAxis('engine.rateSpike=1')).message).toMatch(/is a section, not a setting; one of: engine\.rateSpike\.enabled/);
    expect(errorOf(() => parseSweepAxis('kafka.brokers=a,b')).message).toMatch(/only engine\.\* and input\.\* settings change what a replay raises/);
    expect(errorOf(() => parseSweepAxis('input.format=native,cloudtrail')).message).toMatch(
      /changes how the files are read, which every setting of a sweep shares; set it with --config \(or --format\)/,
    );
    expect(errorOf(() => parseSweepAxis('minCount')).message).toMatch(/expected key=value1,value2/);
    expect(errorOf(() => parseSweepAxis('engine.rateSpike.minCount=')).message).toMatch(/no values/);
    expect(errorOf(() => parseSweepAxis('engine.rateSpike.minCount=10,10')).message).toMatch(/value 10 is given twice/);
  });

  it('refuses an empty sweep, a key given twice and more than the cap', () => {
    expect(errorOf(() => expandSweep(base, [])).message).toMatch(/nothing to sweep/);
    expect(errorOf(() => expandSweep(base, ['engine.rateSpike.minCount=1', 'engine.rateSpike.minCount=2'])).message).toMatch(
      /given twice; put all its values in one list/,
    );
    const nine = Array.from({ length: 9 }, (_, i) => i + 1).join(',');
    expect(expandSweep(base, [`engine.rateSpike.minCount=${nine.split(',').slice(0, 8).join(',')}`, 'engine.offHours.minEvents=1,2,3,4,5,6,7,8'])).toHaveLength(
      MAX_SWEEP_SETTINGS,
    );
    expect(errorOf(() => expandSweep(base, [`engine.rateSpike.minCount=${nine}`, 'engine.offHours.minEvents=1,2,3,4,5,6,7,8'])).message).toBe(
      `72 settings (9 × 8) is more than ${MAX_SWEEP_SETTINGS}: shorten the --set lists or sweep one key at a time`,
    );
  });
});
