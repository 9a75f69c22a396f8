/**
 * The fault injector: every S3, Athena or object-store call of the code under test goes through a
 * {@link CallLog}, which numbers it, lets a reader look at the lake before it proceeds, and fails
 * the call chosen by the {@link Fault}: once (`error`: the process lives on, may retry or clean up),
 * or for good (`kill`: that call and every later one throw, as if the process had died there).
 */
import type { Readable } from 'node:stream';
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { S3Client } from '@aws-sdk/client-s3';

/** How the chosen call fails. */
export type FaultMode = 'error' | 'kill';

/** Which call fails, counting from 1 in the order calls start, and how. */
export interface Fault {
  readonly at: number;
  readonly mode: FaultMode;
}

/** The failure the harness injects: never retried by the SDKs (it is no throttling or network error). */
export class InjectedFault extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'InjectedFault';
  }
}

/** Looks at the lake before call `n` (`label`) proceeds. */
export type Observer = (n: number, label: string) => Promise<void>;

/** Object-store methods that change what is stored. */
const STORE_MUTATIONS = new Set([
  'put',
  'putStream',
  'delete',
  'deletePrefix',
  'moveFile',
  'replaceDirectory',
  'copy',
]);

/** Object-store methods whose first two arguments are both keys. */
const STORE_MOVES = new Set(['moveFile', 'replaceDirectory', 'copy']);

/** Object-store methods that are no I/O. */
const STORE_PURE = new Set(['uriOf', 'constructor']);

/**
 * Numbers calls, fails the chosen one, and runs the observer before each call proceeds. The
 * observer runs one at a time (calls may be in flight together, as the Athena engine's copies are).
 */
export class CallLog {
  /** Every call started, in order: its label (`store.replaceDirectory`, `s3.CopyObject`, ...). */
  public readonly calls: string[] = [];
  /** Keys calls have changed (or tried to) since {@link takeChanged} was last called. */
  #changed = new Set<string>();
  readonly #fault: Fault | undefined;
  readonly #observe: Observer | undefined;
  #killed = false;
  #observing: Promise<void> = Promise.resolve();

  public constructor(fault?: Fault, observe?: Observer) {
    this.#fault = fault;
    this.#observe = observe;
  }

  /** True when the fault was a kill and it has happened: the process is dead. */
  public get killed(): boolean {
    return this.#killed;
  }

  /** The keys each call changed, by call number. */
  public readonly changedBy = new Map<number, string[]>();

  /**
   * Called as call `label` starts: throws when the process is dead or this is the chosen call.
   * Returns the call's number.
   */
  public async enter(label: string): Promise<number> {
    if (this.#killed) throw new InjectedFault(`process killed: ${label} never ran`);
    this.calls.push(label);
    const n = this.calls.length;
    if (this.#observe !== undefined) {
      const observe = this.#observe;
      const turn = this.#observing.then(() => observe(n, label));
      this.#observing = turn.catch(() => undefined);
      await turn;
    }
    if (this.#fault?.at === n) {
      if (this.#fault.mode === 'kill') this.#killed = true;
      throw new InjectedFault(`injected ${this.#fault.mode} at call ${n} (${label})`);
    }
    return n;
  }

  /** Records keys mutating call `n` changed (it finished, or failed part way). */
  public changed(n: number, keys: readonly string[]): void {
    for (const key of keys) this.#changed.add(key);
    this.changedBy.set(n, [...(this.changedBy.get(n) ?? []), ...keys]);
  }

  /** The keys changed since the last call, then forgets them. */
  public takeChanged(): string[] {
    const keys = [...this.#changed];
    this.#changed.clear();
    return keys;
  }
}

/**
 * The store with every I/O method counted: the same object underneath, so its own fields and
 * private members work. A stream handed to a failed `putStream` is destroyed, as a failed upload does.
 */
export function countedStore<T extends object>(store: T, log: CallLog): T {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string' || STORE_PURE.has(property))
        return value;
      const method = value as (...args: unknown[]) => unknown;
      const mutates = STORE_MUTATIONS.has(property);
      return async (...args: unknown[]) => {
        let n: number;
        try {
          n = await log.enter(`store.${property}`);
        } catch (error) {
          if (property === 'putStream') (args[1] as Readable).destroy(error as Error);
          throw error;
        }
        try {
          return await method.apply(target, args);
        } finally {
          if (mutates) {
            // Moves and copies change their source and target; the others, the keys of their first argument.
            const named = STORE_MOVES.has(property) ? args.slice(0, 2) : args.slice(0, 1);
            const keys = named.flatMap((arg) =>
              typeof arg === 'string' ? [arg] : Array.isArray(arg) ? (arg as string[]) : [],
            );
            log.changed(n, keys);
          }
        }
      };
    },
  });
}

/** The parts of an S3 command's input that name objects. */
interface S3Input {
  readonly Key?: string;
  readonly CopySource?: string;
  readonly Delete?: { readonly Objects?: readonly { readonly Key?: string }[] };
}

/** The object keys an S3 command changes. */
function objectKeys(input: S3Input): string[] {
  return [input.Key, ...(input.Delete?.Objects ?? []).map((object) => object.Key)].filter(
    (key): key is string => key !== undefined,
  );
}

/** Counts every command of `client` (an S3 client of the harness's own, never a shared one). */
export function countS3Calls(client: S3Client, log: CallLog): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      const n = await log.enter(`s3.${command}`);
      try {
        return await next(args);
      } finally {
        if (!/^(Get|List|Head)/.test(command)) log.changed(n, objectKeys(args.input as S3Input));
      }
    },
    { step: 'initialize', name: 'faultInjection' },
  );
}

/** The Athena client with every `send` counted (an UNLOAD writes only scratch, so nothing marks the lake changed). */
export function countedAthena(client: AthenaClient, log: CallLog): AthenaClient {
  return new Proxy(client, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (property !== 'send') return typeof value === 'function' ? value.bind(target) : value;
      const send = value as (...args: unknown[]) => Promise<unknown>;
      return async (command: object, ...rest: unknown[]) => {
        await log.enter(`athena.${command.constructor.name.replace(/Command$/, '')}`);
        return send.call(target, command, ...rest);
      };
    },
  });
}
