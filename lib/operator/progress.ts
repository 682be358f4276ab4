// Progress for long CLI runs: a cli-progress bar on a terminal, plain lines otherwise (a log, a CI
// job, a pipe), at most one every few seconds and always one at the end.
import cliProgress from 'cli-progress';

export interface Progress {
  update(value: number, detail: string): void;
  stop(): void;
}

export function progress(options: { label: string; total: number; tty: boolean; write: (text: string) => void; nowMs?: () => number }): Progress {
  if (options.tty) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${options.label} [{bar}] {value}/{total} {detail}`,
        barsize: 30,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        stream: process.stdout,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(options.total, 0, { detail: '' });
    return {
      update: (value, detail) => bar.update(value, { detail }),
      stop: () => bar.stop(),
    };
  }
  const now = options.nowMs ?? Date.now;
  let lastAt = Number.NEGATIVE_INFINITY;
  let last = '';
  return {
    update(value, detail) {
      last = `${options.label} ${value}/${options.total} ${detail}\n`;
      if (now() - lastAt >= 5_000) {
        options.write(last);
        lastAt = now();
        last = '';
      }
    },
    stop() {
      if (last) options.write(last);
    },
  };
}
