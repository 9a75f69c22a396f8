/**
 * The layout of the landing bucket: files arrive under `landing/<kind>/`, and once handled move
 * to `processed/<kind>/` or `rejected/<kind>/` (with a `.rejection.json` beside them saying why).
 * The CDK app reads these prefixes too, for the EventBridge filter and the lifecycle rules.
 */
import { INPUT_KINDS, type InputKind } from '../contract/inputs.ts';

/** Where files land; only keys under it start an ingest. */
export const LANDING_PREFIX = 'landing/';
/** Where ingested files go. */
export const PROCESSED_PREFIX = 'processed/';
/** Where files refused as a whole go. */
export const REJECTED_PREFIX = 'rejected/';
/** The suffix of the record written next to a rejected file. */
export const REJECTION_SUFFIX = '.rejection.json';

/** A landed key understood: its input kind and its path below `landing/`. */
export interface LandingKey {
  readonly key: string;
  /** The key without `landing/`, e.g. `events/2026-11-21.jsonl`; processed and rejected keep it. */
  readonly relative: string;
  /** The file name, e.g. `2026-11-21.jsonl`. */
  readonly fileName: string;
}

/** A landed key whose kind folder names an input kind. */
export interface IngestibleKey extends LandingKey {
  readonly kind: InputKind;
}

/** How a landed key reads: ingestible, a folder marker to leave alone, or refused with a reason. */
export type LandingKeyReading =
  | { readonly status: 'ingestible'; readonly landing: IngestibleKey }
  | { readonly status: 'folder'; readonly key: string }
  | { readonly status: 'refused'; readonly landing: LandingKey; readonly reason: string };

const KINDS: ReadonlySet<string> = new Set(INPUT_KINDS);

/** Reads a key of the landing bucket. A key outside `landing/` is refused. */
export function readLandingKey(key: string): LandingKeyReading {
  if (key.endsWith('/')) return { status: 'folder', key };
  const relative = key.startsWith(LANDING_PREFIX) ? key.slice(LANDING_PREFIX.length) : key;
  const landing: LandingKey = { key, relative, fileName: relative.slice(relative.lastIndexOf('/') + 1) };
  if (!key.startsWith(LANDING_PREFIX)) {
    return { status: 'refused', landing, reason: `${key} is not under ${LANDING_PREFIX}` };
  }
  const slash = relative.indexOf('/');
  const kind = slash < 0 ? '' : relative.slice(0, slash);
  if (!KINDS.has(kind)) {
    const found = slash < 0 ? 'no kind folder' : `the kind folder "${kind}"`;
    return {
      status: 'refused',
      landing,
      reason: `${key} has ${found}; land files under ${LANDING_PREFIX}<kind>/ with kind one of ${INPUT_KINDS.join(', ')}`,
    };
  }
  return { status: 'ingestible', landing: { ...landing, kind: kind as InputKind } };
}

/** Where a handled landed file moves: `processed/<relative>` or `rejected/<relative>`. */
export function settledKey(landing: LandingKey, outcome: 'processed' | 'rejected'): string {
  return `${outcome === 'processed' ? PROCESSED_PREFIX : REJECTED_PREFIX}${landing.relative}`;
}
