/** What the CLI touches of the outside world, passed in so tests run it in-process. */
import type { CliOutput } from "./renderers.js";

export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** Read for `--task-file -`. */
  stdin: AsyncIterable<string | Uint8Array>;
  /** The environment to read settings from (the bin passes process.env). */
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on Ctrl-C: the run stops cleanly with outcome "cancelled". */
  signal?: AbortSignal;
  /**
   * Ask the person a yes/no question; present only on an interactive terminal (the bin sets it
   * when stdin and stderr are TTYs). Absent: the answer is "no".
   */
  confirm?: (question: string) => Promise<boolean>;
}

export async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}
