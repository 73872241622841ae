/**
 * `shell`: runs a command through the sandbox (never on the host). Like Codex's exec it does not
 * fail for the command's own failures: a non-zero exit or a timeout is a result the model reads.
 * A refused command (`sandbox/denied`) is a tool error; a sandbox that cannot start
 * (`sandbox/unavailable`) is fatal and ends the run: there is no unsandboxed fallback.
 *
 * Codex models often call `apply_patch` through the shell (`["apply_patch", patch]` or a heredoc);
 * those are routed to the patch applier so the edit follows the same path checks.
 */
import { z } from "zod";
import { SandboxError } from "../../shared/errors.js";
import type { Sandbox } from "../../sandbox/types.js";
import type { ToolResult } from "../types.js";
import { applyPatch } from "../patch/apply-patch.js";
import { defineTool } from "./define-tool.js";
import { PathEscapeError, resolveInWorkspace } from "./path-guard.js";
import { truncateOutput, type OutputCap } from "./truncate-output.js";

export interface ShellToolDeps {
  sandbox: Sandbox;
  cap: OutputCap;
  /** Whether apply_patch is allowed in this run (routes `apply_patch` commands). */
  patchEnabled: boolean;
  onCommand(command: string, exitCode: number | null): void;
  onPatched(paths: string[]): void;
  onWorkdir(rel: string): void;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_TIMEOUT_MS = 30 * 60_000;
// The quotes around the delimiter must match (`<<"EOF'` is not a heredoc, in bash or in Codex).
const HEREDOC_RE = /^\s*(?:cd\s+(\S+)\s*&&\s*)?apply_?patch\s*<<-?\s*(?:'(\w+)'|"(\w+)"|(\w+))\n([\s\S]*?)\n(\w+)\s*$/;
const LOOKS_LIKE_PATCH_RE = /^\s*(?:cd\s+\S+\s*&&\s*)?apply_?patch\b/;

export function describeCommand(command: readonly string[] | string): string {
  if (typeof command === "string") return command;
  return command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

export function createShellTool(deps: ShellToolDeps) {
  return defineTool({
    name: "shell",
    description:
      'Run a command in the repository (sandboxed: no network, no secrets). Give `command` as an argv array (e.g. ["npm", "test"]) or as a bash script string. Returns the exit code, wall time and the head and tail of the output.',
    schema: z.object({
      command: z.union([z.array(z.string()).min(1), z.string().min(1)]),
      workdir: z.string().optional().describe("Working directory relative to the repository root"),
      timeout_ms: z.number().int().positive().optional().describe(`Timeout in ms (default ${DEFAULT_TIMEOUT_MS})`),
    }),
    mutating: true,
    async run(args, ctx): Promise<ToolResult> {
      let script: string | undefined;
      let argv: string[] | undefined;
      if (typeof args.command === "string") script = args.command;
      else if (args.command.length === 3 && /^(ba|z)?sh$/.test(args.command[0]!.replace(/^.*\//, "")) && /^-l?c$/.test(args.command[1]!))
        script = args.command[2]!;
      else argv = args.command;

      const patch = extractPatch(argv, script);
      if (patch === undefined && script !== undefined && LOOKS_LIKE_PATCH_RE.test(script)) {
        return {
          ok: false,
          output:
            "This apply_patch command was not run: give the patch as `apply_patch <<'EOF'` ... `EOF` (matching quotes, nothing before or after), or call the apply_patch tool with the patch as its input. No file was changed.",
        };
      }
      if (patch !== undefined) {
        if (!deps.patchEnabled) return { ok: false, output: "apply_patch is not available in this run (read-only)." };
        const result = await applyPatch(ctx.workspaceDir, patch);
        if (result.ok) deps.onPatched(result.changes.map((c) => c.path));
        return { ok: result.ok, output: result.output };
      }

      let cwd: string;
      try {
        const r = await resolveInWorkspace(ctx.workspaceDir, args.workdir ?? ".");
        if (!r.exists) return { ok: false, output: `workdir ${args.workdir}: no such directory.` };
        cwd = r.abs;
        deps.onWorkdir(r.rel);
      } catch (error) {
        if (error instanceof PathEscapeError) return { ok: false, output: error.message };
        throw error;
      }
      const display = describeCommand(script ?? argv!);
      try {
        const res = await deps.sandbox.run({
          ...(script !== undefined ? { script } : { argv: argv! }),
          cwd,
          timeoutMs: Math.min(args.timeout_ms ?? DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
        deps.onCommand(display, res.exitCode);
        const parts = [
          `Exit code: ${res.exitCode ?? `none (killed by ${res.signal ?? "signal"})`}`,
          `Wall time: ${(res.durationMs / 1000).toFixed(1)} seconds`,
        ];
        if (res.timedOut) parts.push(`The command timed out and was killed.`);
        if (res.truncated) parts.push(`(The sandbox cut the output to its cap.)`);
        const output = res.stderr.trim() ? `${res.stdout}${res.stdout.endsWith("\n") || !res.stdout ? "" : "\n"}[stderr]\n${res.stderr}` : res.stdout;
        parts.push("Output:", truncateOutput(output, deps.cap));
        return { ok: res.exitCode === 0, output: parts.join("\n") };
      } catch (error) {
        if (error instanceof SandboxError && error.code === "sandbox/denied")
          return { ok: false, output: `Command refused by the sandbox policy: ${error.message}` };
        throw error;
      }
    },
  });
}

function extractPatch(argv: string[] | undefined, script: string | undefined): string | undefined {
  if (argv && /^apply_?patch$/.test(argv[0]!) && argv.length === 2) return argv[1];
  if (script) {
    const m = HEREDOC_RE.exec(script);
    if (m && !m[1] && (m[2] ?? m[3] ?? m[4]) === m[6]) return m[5];
  }
  return undefined;
}

const TEST_RE =
  /\b(npm (run )?test|npm t\b|yarn test|pnpm (run )?test|bun test|npx (vitest|jest|mocha)|vitest|jest|mocha|pytest|python3? -m (pytest|unittest)|tox|go test|cargo test|cargo nextest|mvn (-\S+ )*test|gradlew? test|make (check|test)|ctest|rspec|rake test|phpunit|dotnet test|mix test|node --test|deno test|swift test)\b/;

export function looksLikeTestCommand(command: string): boolean {
  return TEST_RE.test(command);
}
