/**
 * `npm run bench -- <ingest|daily|recommend|ltv|campaigns|quality|churn|alerts|cli|scale>`: benchmarks that print figures as ratios against a
 * baseline measured in the same run, because these machines are shared and noisy.
 *
 * `scale` is the large one (a million users; about 40 minutes, and several GB under `.bench/scale/`):
 * it runs only when named, never with the suites run all together, and is not a test.
 */
const SUITES: Record<string, () => Promise<void>> = {
  ingest: async () => (await import('./ingest.ts')).benchIngest(),
  daily: async () => (await import('./daily.ts')).benchDaily(),
  recommend: async () => (await import('./recommend.ts')).benchRecommend(),
  ltv: async () => (await import('./ltv.ts')).benchLtv(),
  campaigns: async () => (await import('./campaigns.ts')).benchCampaigns(),
  quality: async () => (await import('./quality.ts')).benchQuality(),
  cli: async () => (await import('./cli.ts')).benchCli(),
  churn: async () => (await import('./churn.ts')).benchChurn(),
  alerts: async () => (await import('./alerts.ts')).benchAlerts(),
  scale: async () => (await import('./scale.ts')).benchScale(),
};

/** Suites too large to run unless named. */
const NAMED_ONLY = new Set(['scale']);

const names = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const chosen = names.length === 0 ? Object.keys(SUITES).filter((name) => !NAMED_ONLY.has(name)) : names;
for (const name of chosen) {
  const suite = SUITES[name];
  if (suite === undefined) {
    process.stderr.write(`bench: unknown suite ${name} (choose from ${Object.keys(SUITES).join(', ')})\n`);
    process.exit(1);
  }
  await suite();
}
