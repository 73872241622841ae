/**
 * Translation between the Responses API's native `apply_patch` / `shell` tool calls and our
 * function tools of the same names, so both paths share one implementation (path checks,
 * atomic patches, the sandbox). A native `apply_patch_call` carries one file operation whose
 * `diff` is V4A hunk text; it is wrapped into a full V4A patch. A native `shell_call` carries
 * commands run one after the other in one bash script.
 */
import type { HistoryItem, NativeKind, ToolCallRequest } from "./types.js";

export const NATIVE_TOOL_NAMES: readonly NativeKind[] = ["apply_patch", "shell"];

interface PatchOperation {
  type: "create_file" | "update_file" | "delete_file";
  path: string;
  diff?: string;
}

export function nativePatchToV4A(op: PatchOperation): string {
  const diff = (op.diff ?? "").replace(/\n$/, "");
  if (op.type === "delete_file") return `*** Begin Patch\n*** Delete File: ${op.path}\n*** End Patch`;
  if (op.type === "create_file") {
    // Created files arrive either as "+"-prefixed lines or as plain content.
    const lines = diff === "" ? [] : diff.split("\n");
    const body = lines.every((l) => l.startsWith("+")) ? lines : lines.map((l) => `+${l}`);
    return `*** Begin Patch\n*** Add File: ${op.path}\n${body.join("\n")}${body.length ? "\n" : ""}*** End Patch`;
  }
  return `*** Begin Patch\n*** Update File: ${op.path}\n${diff}\n*** End Patch`;
}

/** A native output item from the server, as a tool call plus the history item to carry back. */
export function fromNativeCall(out: {
  type: string;
  call_id?: string;
  operation?: unknown;
  action?: unknown;
}): { call: ToolCallRequest; item: HistoryItem } | undefined {
  const callId = out.call_id ?? "";
  if (out.type === "apply_patch_call") {
    const operation = out.operation as PatchOperation;
    const call = { callId, name: "apply_patch", arguments: JSON.stringify({ input: nativePatchToV4A(operation) }), native: "apply_patch" as const };
    const raw = { type: "apply_patch_call", call_id: callId, operation, status: "completed" };
    return { call, item: { type: "function_call", callId, name: call.name, arguments: call.arguments, native: { kind: "apply_patch", item: raw } } };
  }
  if (out.type === "shell_call") {
    const action = out.action as { commands?: string[]; timeout_ms?: number | null };
    const args = { command: (action.commands ?? []).join("\n"), ...(action.timeout_ms ? { timeout_ms: action.timeout_ms } : {}) };
    const call = { callId, name: "shell", arguments: JSON.stringify(args), native: "shell" as const };
    const raw = { type: "shell_call", call_id: callId, action, status: "completed" };
    return { call, item: { type: "function_call", callId, name: call.name, arguments: call.arguments, native: { kind: "shell", item: raw } } };
  }
  return undefined;
}

/** Our tool output, in the native output item shape the server expects. */
export function toNativeOutput(item: Extract<HistoryItem, { type: "function_call_output" }>): Record<string, unknown> {
  if (item.native === "apply_patch") {
    return { type: "apply_patch_call_output", call_id: item.callId, status: item.ok === false ? "failed" : "completed", output: item.output };
  }
  const exit = /^Exit code: (\d+)/m.exec(item.output);
  const timedOut = /timed out and was killed/.test(item.output);
  const outcome = timedOut ? { type: "timeout" } : { type: "exit", exit_code: exit ? Number(exit[1]) : item.ok === false ? 1 : 0 };
  return { type: "shell_call_output", call_id: item.callId, output: [{ stdout: item.output, stderr: "", outcome }] };
}
