/**
 * The input kinds `growthlake ingest` takes (docs/contract.md, Command line). Kept apart from the
 * input schemas (inputs.ts, which builds on zod) so that the table registry and the command line's
 * start-up do not load zod: `growthlake query` never parses an input.
 */
export const INPUT_KINDS = [
  'events',
  'spend',
  'partners',
  'fx',
  'campaigns',
  'exposures',
  'appsflyer',
  'adjust',
  'impact',
  'tracker-map',
  'targets',
] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

/** Whether a string names an input kind. */
export function isInputKind(value: string): value is InputKind {
  return (INPUT_KINDS as readonly string[]).includes(value);
}
