import { SingleBar } from 'cli-progress';

/** A progress reporter: a bar on a terminal, silence elsewhere (pipes, CI, tests). */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const MB = 1024 * 1024;

/** A byte-progress bar on stderr when it is a terminal. */
export function byteProgress(label: string): Progress {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {doneMb}/{totalMb} MB | {eta_formatted} left`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  let last = 0;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0, { doneMb: '0', totalMb: (total / MB).toFixed(0) });
        started = true;
      }
      if (done - last < MB && done < total) return;
      last = done;
      bar.update(Math.min(done, total), { doneMb: (done / MB).toFixed(0), totalMb: (total / MB).toFixed(0) });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
