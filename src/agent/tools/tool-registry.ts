/**
 * The tool registry and dispatcher (codex `tools/registry.rs`): an unknown tool, arguments that
 * are not JSON, too large or failing the schema, and ordinary tool failures all become a tool
 * result the model can read and recover from. Only fatal errors (a sandbox that cannot start, a
 * cancellation) propagate and end the run.
 */
import { AppError, CancelledError } from "../../shared/errors.js";
import type { ToolSpec } from "../model/types.js";
import type { AgentTool, ToolResult } from "../types.js";
import type { ToolContext } from "./define-tool.js";

export const MAX_ARGUMENT_BYTES = 512 * 1024;

export interface ToolRegistry {
  readonly tools: ReadonlyMap<string, AgentTool>;
  /** Tool definitions for the model, in a fixed order (byte-identical every turn). */
  readonly specs: readonly ToolSpec[];
}

export function createToolRegistry(tools: readonly AgentTool[], toolNames?: readonly string[]): ToolRegistry {
  const map = new Map<string, AgentTool>();
  for (const t of tools) {
    if (toolNames && !toolNames.includes(t.name)) continue;
    map.set(t.name, t);
  }
  const specs = [...map.values()].map((t) => ({ name: t.name, description: t.description, parameters: t.parameters }));
  return { tools: map, specs };
}

/** Errors that must end the run rather than go back to the model. */
export function isFatalToolError(error: unknown): boolean {
  if (error instanceof CancelledError) return true;
  return error instanceof AppError && (error.code === "sandbox/unavailable" || error.code === "internal");
}

export async function dispatchToolCall(registry: ToolRegistry, call: { name: string; arguments: string }, ctx: ToolContext): Promise<ToolResult> {
  const tool = registry.tools.get(call.name);
  if (!tool) return { ok: false, output: `Unknown tool '${call.name}'. Available tools: ${[...registry.tools.keys()].join(", ")}.` };
  if (Buffer.byteLength(call.arguments) > MAX_ARGUMENT_BYTES) {
    return {
      ok: false,
      output: `The arguments for ${call.name} are ${Buffer.byteLength(call.arguments)} bytes, over the ${MAX_ARGUMENT_BYTES}-byte limit. Split the work into smaller calls.`,
    };
  }
  let args: unknown;
  try {
    args = call.arguments.trim() === "" ? {} : JSON.parse(call.arguments);
  } catch (error) {
    return {
      ok: false,
      output: `The arguments for ${call.name} are not valid JSON (${(error as Error).message}). Send a JSON object matching the tool's schema.`,
    };
  }
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return { ok: false, output: `The arguments for ${call.name} must be a JSON object.` };
  }
  try {
    return await tool.handle(args, ctx);
  } catch (error) {
    if (isFatalToolError(error)) throw error;
    // A bug or an unexpected I/O error in one tool call should not end the run.
    return { ok: false, output: `${call.name} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
