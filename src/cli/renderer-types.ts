/** What the run command's progress renderers share (tty-renderer.ts and renderers.ts). */
import type { AgentEvent } from "../agent/types.js";

export interface CliOutput {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface RendererOptions {
  /** False for a model without a price: costs show as "cost unknown", not $0.00. */
  priced?: boolean;
}

export interface ProgressRenderer {
  event(event: AgentEvent): void;
  /** Print a note that is not an agent event (settings notes, commit made...). */
  note(text: string): void;
  /** Leave the terminal clean before the final report. */
  finish(): void;
}
