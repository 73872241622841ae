/**
 * A one-line spinner on a terminal (stderr), so a long model call does not look like a hang:
 * `⠙ reviewing with gpt-5-codex · 12 s`, redrawn in place, erased when done. On anything that is
 * not a terminal it prints nothing.
 */
import type { CliOutput } from "./renderers.js";
import { formatDuration, oneLine } from "./describe-event.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface Spinner {
  stop(): void;
}

export function startSpinner(out: CliOutput, text: string, options: { now?: () => number; intervalMs?: number } = {}): Spinner {
  if (!out.isTTY) return { stop: () => undefined };
  const now = options.now ?? Date.now;
  const started = now();
  let frame = 0;
  const draw = () => {
    const line = `${FRAMES[frame++ % FRAMES.length]} ${text} · ${formatDuration(now() - started, true)}`;
    out.write(`\r\x1b[K${oneLine(line, Math.max(20, (out.columns ?? 80) - 1))}`);
  };
  draw();
  const timer = setInterval(draw, options.intervalMs ?? 100);
  timer.unref?.();
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      out.write("\r\x1b[K");
    },
  };
}
