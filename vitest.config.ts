import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each slow file took in a serial run of the suite (vitest's cached timings, before the
 * work that sped some of them up), for the order of a run with no results cached (a fresh clone,
 * CI): vitest runs the files it has timed longest first, and files it has not timed largest first,
 * which is not slowest first. With the longest first the two workers finish together instead of
 * one running a 30-second file alone at the end. Only the order matters, not the figures.
 */
const SLOW_FILES: Readonly<Record<string, number>> = {
  'test/golden/golden.test.ts': 48,
  'test/pipeline/incremental.test.ts': 46,
  'test/faults/local-daily.test.ts': 34,
  'test/publish/dashboard.browser.test.ts': 29,
  'test/faults/aws-daily.test.ts': 27,
  'test/recommend/recommend-pipeline.test.ts': 25,
  'test/faults/aws-ingest.test.ts': 15,
  'test/publish/digest.test.ts': 15,
  'test/pipeline/corrupt-lake-file.test.ts': 15,
  'test/experiments/campaign-results.test.ts': 15,
  'test/contract/tables.test.ts': 14,
  'test/pipeline/spend-daily.test.ts': 14,
  'test/publish/quality.browser.test.ts': 13,
  'test/pipeline/ingest-partitions.test.ts': 11,
  'test/handlers/steps.test.ts': 10,
  'test/storage/s3-store.test.ts': 10,
  'test/faults/local-ingest.test.ts': 10,
  'test/pipeline/trailing-windows.test.ts': 9,
  'test/recommend/ltv-forecast.test.ts': 9,
};

/** Slowest first: by the last run's time where vitest has one, else by {@link SLOW_FILES}. */
class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const seconds = (file: TestSpecification) => {
      const path = relative(config.root, file.moduleId).replaceAll('\\', '/');
      const cached = cache.getFileTestResults(`${file.project.name}:${path}`);
      return cached === undefined ? (SLOW_FILES[path] ?? 0) : cached.duration / 1000;
    };
    const sorted = await super.sort(files);
    const order = new Map(sorted.map((file) => [file, seconds(file)]));
    // Array.prototype.sort is stable: among files of equal weight the base order stays.
    return sorted.sort((a, b) => (order.get(b) ?? 0) - (order.get(a) ?? 0));
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Two files at a time: vitest's default is one fewer than the cores, a single worker on the
    // 2-core machines the suite runs on. Every file works in its own temporary directories and
    // listens on port 0, so two run side by side.
    maxWorkers: 2,
    // Side by side a file gets about one core instead of two, so a hook that builds a lake over ten
    // run dates takes up to twice as long as alone: limits with room for that on a busy machine.
    // Files that need more say so.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    sequence: { sequencer: SlowestFirst },
    // The run's directory of shared fixtures (test/fixture-cache.ts).
    globalSetup: ['test/fixture-cache.ts'],
    // A fixed key, so no test creates the default key file in the home directory.
    env: { GROWTHLAKE_PSEUDONYMIZATION_KEY: 'test-pseudonymization-key-0123456789abcdef' },
  },
});
