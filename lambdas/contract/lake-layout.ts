/**
 * The lake's folders that hold no table (the registry places the tables): the scratch the engines
 * stage work in, and the root of what a run publishes. The CDK app reads them too, for the lake's
 * lifecycle rules and the published bucket's grants.
 */

/** The lake's scratch: engines stage unfinished work under it, so anything left there can expire. */
export const SCRATCH_PREFIX = '_tmp';

/** Where the Athena engine stages UNLOAD output before placing it; a lifecycle rule expires it. */
export const ATHENA_SCRATCH_PREFIX = `${SCRATCH_PREFIX}/athena`;

/** The top-level directory of everything a run publishes (dashboard, digests, audiences). */
export const PUBLISHED_ROOT = 'published';

/**
 * Where the lake's lock lives (`_lock/lake.json` on S3): one writer at a time, so never under the
 * scratch, whose objects expire.
 */
export const LOCK_PREFIX = '_lock';
