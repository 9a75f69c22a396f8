import { z } from 'zod';
import { FraudInjectionSchema } from './traffic-quality.ts';

/** Called after each generated day with the events written so far and an estimate of the total. */
export type ProgressCallback = (doneEvents: number, totalEstimate: number) => void;

/** What `generate` is asked to produce. */
export const GenerateOptionsSchema = z.object({
  /** The folder the data set is written to; created when missing. */
  outDir: z.string().min(1, 'outDir must name a folder'),
  /** How many days of data end on `endDate`. */
  days: z.number().int().min(1).max(3660).default(60),
  /** About how many users sign up over those days (the actual count is random, within a few percent). */
  users: z.number().int().min(1).default(5000),
  /** How many partners the registry lists. */
  partners: z.number().int().min(1).default(12),
  /** The seed: the same options always give byte-identical files. */
  seed: z.number().int().default(1),
  /** The last day of data, a UTC `YYYY-MM-DD` date. */
  endDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'endDate must be a YYYY-MM-DD date'),
  /**
   * Fraud patterns to inject into chosen partners' users (docs/contract.md, Traffic quality); the
   * truth records which partner got which and how many users. @default none
   */
  fraud: z.array(FraudInjectionSchema).default([]),
  /**
   * Also write what a mobile tracker would have exported (docs/contract.md, Trackers): AppsFlyer
   * raw-data CSVs and the tracker map, under `trackers/`. @default false
   */
  trackers: z.boolean().default(false),
  /** Progress reports, e.g. for a terminal progress bar. */
  onProgress: z
    .custom<ProgressCallback>((value) => typeof value === 'function', 'onProgress must be a function')
    .optional(),
});

/** Options as a caller writes them (defaults may be left out). */
export type GenerateOptions = z.input<typeof GenerateOptionsSchema>;

/** Options after defaults are applied. */
export type ResolvedGenerateOptions = z.output<typeof GenerateOptionsSchema>;
