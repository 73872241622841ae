/**
 * The agent's own, provider-neutral conversation format. Both wire APIs (Responses and Chat
 * Completions) are translated to and from it at the edge, so the loop, compaction and tests never
 * see wire shapes. History is append-only between compactions (prompt-cache friendly).
 */
import type { Usage } from "../types.js";

export type HistoryItem =
  | { type: "message"; role: "user" | "assistant"; text: string; images?: string[] }
  | { type: "function_call"; callId: string; name: string; arguments: string; native?: NativeCall }
  | { type: "function_call_output"; callId: string; output: string; native?: NativeKind; ok?: boolean }
  /** An opaque Responses API reasoning item (with encrypted_content), carried forward verbatim. */
  | { type: "reasoning"; item: Record<string, unknown> };

/** Responses API built-in tool types Codex models are trained on (`apply_patch`, `shell`). */
export type NativeKind = "apply_patch" | "shell";

/** A native call as the server sent it, carried back verbatim next turn. */
export interface NativeCall {
  kind: NativeKind;
  item: Record<string, unknown>;
}

export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ModelRequest {
  instructions: string;
  history: readonly HistoryItem[];
  tools: readonly ToolSpec[];
  signal?: AbortSignal;
  /** Streamed text as it arrives (for live progress). */
  onTextDelta?: (delta: string) => void;
}

export interface ToolCallRequest {
  callId: string;
  name: string;
  /** JSON arguments of the function tool; native calls are translated to the same shape. */
  arguments: string;
  native?: NativeKind;
}

export interface ModelTurn {
  text: string;
  toolCalls: ToolCallRequest[];
  /** Items to append to history, in output order (reasoning, assistant text, function calls). */
  items: HistoryItem[];
  usage: Usage;
  /** Size of the request body in bytes (for calibrating token estimates). */
  requestBytes: number;
}

export interface ModelClient {
  readonly model: string;
  readonly wireApi: "responses" | "chat";
  complete(request: ModelRequest): Promise<ModelTurn>;
}

export const ZERO_USAGE: Usage = { input: 0, cachedInput: 0, output: 0, reasoning: 0 };

export function addUsage(a: Usage, b: Usage): Usage {
  return { input: a.input + b.input, cachedInput: a.cachedInput + b.cachedInput, output: a.output + b.output, reasoning: a.reasoning + b.reasoning };
}
