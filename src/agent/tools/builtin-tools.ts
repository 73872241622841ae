/**
 * The built-in tool set, with the names and argument shapes Codex models are trained on.
 */
import type { Sandbox } from "../../sandbox/types.js";
import type { AgentTool, PlanStep } from "../types.js";
import { createApplyPatchTool } from "./apply-patch-tool.js";
import { createGrepTool } from "./grep-tool.js";
import { createListDirTool } from "./list-dir-tool.js";
import { createReadFileTool } from "./read-file-tool.js";
import { createShellTool } from "./shell-tool.js";
import type { OutputCap } from "./truncate-output.js";
import { createUpdatePlanTool } from "./update-plan-tool.js";

export const BUILTIN_TOOL_NAMES = ["shell", "apply_patch", "read_file", "list_dir", "grep", "update_plan"] as const;
export const READ_ONLY_TOOL_NAMES = ["read_file", "list_dir", "grep", "update_plan"] as const;

export interface BuiltinToolDeps {
  sandbox: Sandbox;
  cap: OutputCap;
  patchEnabled: boolean;
  useRipgrep?: boolean;
  /** A file tool or the shell touched this workspace-relative path (for AGENTS.md discovery). */
  onTouch(rel: string): void;
  onCommand(command: string, exitCode: number | null): void;
  onPlan(plan: PlanStep[], explanation?: string): void;
}

export function createBuiltinTools(deps: BuiltinToolDeps): AgentTool[] {
  const touchAll = (paths: string[]) => paths.forEach((p) => deps.onTouch(p));
  const tools = [
    createShellTool({
      sandbox: deps.sandbox,
      cap: deps.cap,
      patchEnabled: deps.patchEnabled,
      onCommand: deps.onCommand,
      onPatched: touchAll,
      onWorkdir: deps.onTouch,
    }),
    createApplyPatchTool(touchAll),
    createReadFileTool(deps.cap),
    createListDirTool(),
    createGrepTool(deps.cap, deps.useRipgrep === undefined ? {} : { useRipgrep: deps.useRipgrep }),
    createUpdatePlanTool(deps.onPlan),
  ];
  // Path arguments of read-only tools also count as "working in" that directory.
  return tools.map((t) =>
    t.name === "read_file" || t.name === "list_dir" || t.name === "grep"
      ? {
          ...t,
          handle: async (args, ctx) => {
            const a = args as { file_path?: unknown; dir_path?: unknown; path?: unknown };
            const p = a.file_path ?? a.dir_path ?? a.path;
            if (typeof p === "string") deps.onTouch(p);
            return t.handle(args, ctx);
          },
        }
      : t,
  );
}
