import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LakeBusyError } from '../../lambdas/pipeline/errors.ts';
import { LAKE_LOCK_FILE, lockLake } from '../../lambdas/pipeline/lake-lock.ts';
import { openLocalLake } from '../../lambdas/pipeline/local-lake.ts';
import { growthlake } from '../cli/growthlake-cli.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'growthlake-lock-'));
  dirs.push(dir);
  return dir;
}

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'growthlake.mjs');

/** Resolves once `name` exists in `dir` (watched, not polled). */
function appears(dir: string, name: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(dir, () => {
      readdir(dir).then((names) => {
        if (names.includes(name)) {
          watcher.close();
          resolve();
        }
      });
    });
  });
}

/** An events file of 200 logins over 20 days of November 2026, by 7 users. */
async function loginEvents(path: string): Promise<void> {
  const lines = Array.from({ length: 200 }, (_, i) =>
    JSON.stringify({
      event_id: `e-${i}`,
      event_type: 'login',
      user_id: `u-${i % 7}`,
      occurred_at: `2026-11-${String(1 + (i % 20)).padStart(2, '0')}T10:00:00Z`,
    }),
  );
  await writeFile(path, `${lines.join('\n')}\n`);
}

/** The pid of a process that has exited: a lock it held is stale. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid as number;
  await new Promise((resolve) => child.on('exit', resolve));
  return pid;
}

describe('lockLake: one writer at a time', () => {
  it('refuses a second writer with the holder named, and lets the next one in after release', async () => {
    // Prepare
    const lake = await tempDir();
    const first = await lockLake(
      lake,
      'growthlake run --date 2026-11-21',
      () => new Date('2026-11-22T06:00:00Z'),
    );

    // Act
    const second = lockLake(lake, 'growthlake ingest events e.jsonl');

    // Assess
    await expect(second).rejects.toThrow(LakeBusyError);
    await expect(lockLake(lake, 'again')).rejects.toThrow(
      `the lake ${lake} is in use by \`growthlake run --date 2026-11-21\` (pid ${process.pid} on ${hostname()}, since 2026-11-22T06:00:00.000Z); wait for it to finish`,
    );
    await first.release();
    const third = await lockLake(lake, 'growthlake ingest events e.jsonl');
    expect(third.holder.command).toBe('growthlake ingest events e.jsonl');
    await third.release();
    expect(await readdir(lake)).toEqual([]);
  });

  it('breaks a lock whose process has died or that does not parse, and keeps one whose holder runs on another host', async () => {
    // Prepare
    const lake = await tempDir();
    const stale = {
      pid: await deadPid(),
      host: hostname(),
      command: 'growthlake run --date 2026-11-20',
      since: '2026-11-21T06:00:00.000Z',
    };
    await writeFile(join(lake, LAKE_LOCK_FILE), JSON.stringify(stale));

    // Act
    const lock = await lockLake(lake, 'growthlake run --date 2026-11-21');

    // Assess
    expect(lock.holder.pid).toBe(process.pid);
    await lock.release();
    await writeFile(join(lake, LAKE_LOCK_FILE), '{"pid": 12');
    const afterGarbage = await lockLake(lake, 'growthlake run --date 2026-11-22');
    expect(afterGarbage.holder.command).toBe('growthlake run --date 2026-11-22');
    await afterGarbage.release();
    await writeFile(join(lake, LAKE_LOCK_FILE), JSON.stringify({ ...stale, host: 'another-host' }));
    await expect(lockLake(lake, 'x')).rejects.toThrow(
      /in use by `growthlake run --date 2026-11-20` \(pid \d+ on another-host/,
    );
  });

  it('releases the lock when the lake fails to open', async () => {
    // Prepare: a file where the lake's scratch directory must go.
    const lake = await tempDir();
    await writeFile(join(lake, '_tmp'), 'not a directory');

    // Act
    await expect(openLocalLake(lake, { writer: 'growthlake run' })).rejects.toThrow();

    // Assess
    expect(await readdir(lake)).toEqual(['_tmp']);
  });
});

describe('two growthlake commands on one lake at once', () => {
  it('fails the second with one line naming the first, and the lake keeps one copy of the file', async () => {
    // Prepare
    const dir = await tempDir();
    const lake = join(dir, 'lake');
    const events = join(dir, 'events.jsonl');
    const lines = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({
        event_id: `e-${i}`,
        event_type: 'login',
        user_id: `u-${i % 7}`,
        occurred_at: `2026-11-${String(1 + (i % 20)).padStart(2, '0')}T10:00:00Z`,
      }),
    );
    await writeFile(events, `${lines.join('\n')}\n`);
    const held = await lockLake(lake, 'growthlake backfill --from 2026-11-01 --to 2026-11-21');

    // Act: while another command holds the lake, then two at once.
    const refused = await growthlake('ingest', 'events', events, '--lake', lake);
    await held.release();
    const both = await Promise.all([
      growthlake('ingest', 'events', events, '--lake', lake),
      growthlake('run', '--date', '2026-11-21', '--lake', lake),
    ]);

    // Assess
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `growthlake: the lake ${lake} is in use by \`growthlake backfill --from 2026-11-01 --to 2026-11-21\` ` +
        `(pid ${process.pid} on ${hostname()}, since ${held.holder.since}); wait for it to finish\n`,
    );
    // Each either ran or stopped at once on the other's lock; at least one ran.
    for (const result of both) {
      if (result.code !== 0)
        expect(result.stderr).toMatch(/^growthlake: the lake .* is in use by `growthlake (ingest|run) /);
    }
    expect(both.some((result) => result.code === 0)).toBe(true);
    expect(await readdir(lake)).not.toContain(LAKE_LOCK_FILE);
    const check = await openLocalLake(lake);
    try {
      const ingests = await check.engine.query(
        "select count(*) as ingests, sum(rows_accepted) as accepted from ingest_log where kind = 'events'",
      );
      expect(ingests).toEqual(
        both[0].code === 0 ? [{ ingests: 1, accepted: 200 }] : [{ ingests: 0, accepted: null }],
      );
    } finally {
      await check.close();
    }
  });
});

describe('a run and a backfill on one lake at once, and a run killed while it holds the lake', () => {
  it('lets a run and a backfill started together either run or stop at once naming the other, and recovers the lock of a killed run', async () => {
    // Prepare: a lake with 200 events.
    const dir = await tempDir();
    const lake = join(dir, 'lake');
    const events = join(dir, 'events.jsonl');
    await loginEvents(events);
    const ingest = await growthlake('ingest', 'events', events, '--lake', lake);
    expect(ingest.code).toBe(0);

    // Act 1: two writers started at once.
    const both = await Promise.all([
      growthlake('backfill', '--from', '2026-11-19', '--to', '2026-11-20', '--lake', lake),
      growthlake('run', '--date', '2026-11-20', '--lake', lake),
    ]);

    // Assess 1: each ran or stopped at once naming the other; at least one ran.
    for (const [index, result] of both.entries()) {
      const other = index === 0 ? 'run --date 2026-11-20' : 'backfill --from 2026-11-19';
      if (result.code !== 0) {
        expect(result.stderr).toMatch(
          new RegExp(`^growthlake: the lake .* is in use by \`growthlake ${other}`),
        );
        expect(result.stderr.split('\n')).toHaveLength(2);
      }
    }
    expect(both.some((result) => result.code === 0)).toBe(true);

    // Act 2: a run killed (SIGKILL: no cleanup) as soon as it holds the lake, then a run after it.
    const killed = spawn(process.execPath, [CLI, 'run', '--date', '2026-11-21', '--lake', lake], {
      env: { ...process.env, GROWTHLAKE_LAKE: '' },
      stdio: 'ignore',
    });
    await appears(lake, LAKE_LOCK_FILE);
    killed.kill('SIGKILL');
    await new Promise((resolve) => killed.once('exit', resolve));
    const left = JSON.parse(await readFile(join(lake, LAKE_LOCK_FILE), 'utf8'));
    const after = await growthlake('run', '--date', '2026-11-21', '--lake', lake);

    // Assess 2: the killed run's lock was left behind, and the next run broke it and finished.
    expect(left).toMatchObject({
      pid: killed.pid,
      command: `growthlake run --date 2026-11-21 --lake ${lake}`,
    });
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    expect(await readdir(lake)).not.toContain(LAKE_LOCK_FILE);
    const check = await openLocalLake(lake);
    try {
      // The events end on 2026-11-20 (day 1 + 199 % 20 = 20): the run of the 21st adds no user_daily day.
      expect(await check.engine.query('select max(dt) as last_day from user_daily')).toEqual([
        { last_day: '2026-11-20' },
      ]);
    } finally {
      await check.close();
    }
  }, 120_000);
});
