/**
 * Content search. ripgrep when it is installed (fast, honours .gitignore, never follows symlinks,
 * `--no-config` so a repository cannot plant a .ripgreprc); otherwise a JS walk that honours
 * nested .gitignore files through the `ignore` package.
 */
import { hostPath } from "../../config/process-env.js";
import { spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import { z } from "zod";
import { readRegularFile } from "../../shared/read-regular-file.js";
import { defineTool } from "./define-tool.js";
import { PathEscapeError, resolveInWorkspace } from "./path-guard.js";
import { isBinary } from "./read-file-tool.js";
import { truncateOutput, type OutputCap } from "./truncate-output.js";

interface GrepArgs {
  pattern: string;
  path?: string | undefined;
  include?: string | undefined;
  ignore_case?: boolean | undefined;
  limit?: number | undefined;
}

type GrepOutcome = { ok: true; matches: string[] } | { ok: false; error: string } | { ok: "unavailable" };

export function createGrepTool(cap: OutputCap, options: { useRipgrep?: boolean } = {}) {
  return defineTool({
    name: "grep",
    description:
      "Search file contents with a regular expression (ripgrep syntax). Returns 'path:line:text' lines. Honours .gitignore; skips .git and node_modules.",
    schema: z.object({
      pattern: z.string().min(1).max(1000),
      path: z.string().optional().describe("File or directory to search, relative to the repository root (default: the root)"),
      include: z.string().max(200).optional().describe("Glob of files to search, e.g. '*.ts' or 'src/**/*.py'"),
      ignore_case: z.boolean().optional(),
      limit: z.number().int().min(1).max(2000).optional().describe("Maximum matches (default 200)"),
    }),
    mutating: false,
    async run(args, ctx) {
      try {
        const root = await resolveInWorkspace(ctx.workspaceDir, ".");
        const target = await resolveInWorkspace(ctx.workspaceDir, args.path ?? ".");
        if (!target.exists) return { ok: false, output: `${args.path}: no such file or directory.` };
        let result: GrepOutcome = { ok: "unavailable" };
        if (options.useRipgrep !== false) result = await ripgrep(root.abs, target.rel || ".", args, ctx.signal);
        if (result.ok === "unavailable") result = await jsGrep(root.abs, target.rel, args);
        if (result.ok === false) return { ok: false, output: result.error };
        if (result.ok !== true) return { ok: false, output: "grep is unavailable." };
        const limit = args.limit ?? 200;
        if (result.matches.length === 0) return { ok: true, output: "No matches." };
        const shown = result.matches.slice(0, limit);
        const more = result.matches.length > limit ? `\n[more than ${limit} matches; narrow the pattern or path]` : "";
        return { ok: true, output: truncateOutput(shown.join("\n"), cap) + more };
      } catch (error) {
        if (error instanceof PathEscapeError) return { ok: false, output: error.message };
        throw error;
      }
    },
  });
}

function ripgrep(root: string, rel: string, args: GrepArgs, signal?: AbortSignal): Promise<GrepOutcome> {
  const limit = (args.limit ?? 200) + 1;
  const argv = [
    "--no-config",
    "--no-require-git",
    "--line-number",
    "--no-heading",
    "--color",
    "never",
    "--max-columns",
    "400",
    "--max-columns-preview",
    "--glob",
    "!.git",
    "--glob",
    "!node_modules",
  ];
  if (args.ignore_case) argv.push("-i");
  if (args.include) argv.push("--glob", args.include);
  argv.push("-e", args.pattern, "--", rel);
  return new Promise((resolve) => {
    // A minimal environment: RIPGREP_CONFIG_PATH and friends from the host must not apply.
    const child = spawn("rg", argv, { cwd: root, env: { PATH: hostPath() }, stdio: ["ignore", "pipe", "pipe"], ...(signal ? { signal } : {}) });
    const matches: string[] = [];
    let buffer = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      buffer += d.toString("utf8");
      const parts = buffer.split("\n");
      buffer = parts.pop() ?? "";
      for (const p of parts) if (matches.length < limit) matches.push(p.replace(/^\.\//, ""));
      if (matches.length >= limit) child.kill();
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.on("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ENOENT" ? { ok: "unavailable" } : { ok: false, error: `grep failed: ${e.message}` }));
    child.on("close", (code) => {
      if (buffer && matches.length < limit) matches.push(buffer);
      if (code === 2 && matches.length === 0) resolve({ ok: false, error: `grep: ${stderr.trim().slice(0, 1000) || "invalid pattern"}` });
      else resolve({ ok: true, matches });
    });
  });
}

async function jsGrep(root: string, rel: string, args: GrepArgs): Promise<GrepOutcome> {
  let re: RegExp;
  try {
    re = new RegExp(args.pattern, args.ignore_case ? "i" : "");
  } catch (error) {
    return { ok: false, error: `grep: invalid pattern: ${(error as Error).message}` };
  }
  const include = args.include ? ignore().add(args.include) : undefined;
  const limit = (args.limit ?? 200) + 1;
  const matches: string[] = [];
  const searchFile = async (relFile: string) => {
    if (include && !include.ignores(relFile) && !include.ignores(path.posix.basename(relFile))) return;
    const abs = path.join(root, relFile);
    const s = await stat(abs).catch(() => null);
    if (!s || s.size > 4 * 1024 * 1024) return;
    const read = await readRegularFile(abs, 4 * 1024 * 1024);
    if (!read.ok) return;
    const buf = read.bytes;
    if (isBinary(buf)) return;
    buf
      .toString("utf8")
      .split(/\r?\n/)
      .forEach((line, i) => {
        if (matches.length < limit && re.test(line)) matches.push(`${relFile}:${i + 1}:${line.slice(0, 400)}`);
      });
  };
  const walk = async (relDir: string, rules: { base: string; ig: Ignore }[]): Promise<void> => {
    const abs = path.join(root, relDir);
    // Only a regular, capped .gitignore: a FIFO or a link to /dev/zero must not block or fill this process.
    const ignoreFile = await readRegularFile(path.join(abs, ".gitignore"), 1024 * 1024).catch(() => null);
    const gitignore = ignoreFile?.ok ? ignoreFile.bytes.toString("utf8") : null;
    const here = gitignore === null ? rules : [...rules, { base: relDir, ig: ignore().add(gitignore) }];
    const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (matches.length >= limit) return;
      if (e.name === ".git" || e.name === "node_modules" || e.isSymbolicLink()) continue;
      const relChild = relDir ? `${relDir}/${e.name}` : e.name;
      const ignored = here.some(({ base, ig }) => {
        const r = base ? relChild.slice(base.length + 1) : relChild;
        return ig.ignores(e.isDirectory() ? `${r}/` : r);
      });
      if (ignored) continue;
      if (e.isDirectory()) await walk(relChild, here);
      else if (e.isFile()) await searchFile(relChild);
    }
  };
  const s = await stat(path.join(root, rel));
  if (s.isFile()) await searchFile(rel);
  else await walk(rel, []);
  return { ok: true, matches };
}
