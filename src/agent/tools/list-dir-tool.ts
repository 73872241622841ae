import { readdir } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { defineTool } from "./define-tool.js";
import { PathEscapeError, resolveInWorkspace } from "./path-guard.js";

const SKIP = new Set([".git", "node_modules"]);

export function createListDirTool() {
  return defineTool({
    name: "list_dir",
    description:
      "List a directory of the repository as an indented tree (directories end in '/', symlinks in '@'). Skips .git and node_modules. Symlinked directories are not followed.",
    schema: z.object({
      dir_path: z.string().optional().describe("Directory relative to the repository root (default: the root)"),
      depth: z.number().int().min(1).max(10).optional().describe("How many levels to descend (default 2)"),
      offset: z.number().int().min(1).optional().describe("First entry to return, 1-based (default 1)"),
      limit: z.number().int().min(1).max(2000).optional().describe("Maximum entries (default 300)"),
    }),
    mutating: false,
    async run(args, ctx) {
      try {
        const r = await resolveInWorkspace(ctx.workspaceDir, args.dir_path ?? ".");
        if (!r.exists) return { ok: false, output: `${args.dir_path}: no such directory.` };
        const entries: string[] = [];
        const walk = async (dir: string, level: number): Promise<void> => {
          const items = await readdir(dir, { withFileTypes: true }).catch(() => null);
          if (!items) return;
          items.sort((a, b) => a.name.localeCompare(b.name));
          for (const e of items) {
            if (SKIP.has(e.name)) continue;
            const suffix = e.isSymbolicLink() ? "@" : e.isDirectory() ? "/" : "";
            entries.push(`${"  ".repeat(level)}${e.name}${suffix}`);
            if (e.isDirectory() && level + 1 < (args.depth ?? 2)) await walk(path.join(dir, e.name), level + 1);
            if (entries.length > 20_000) return;
          }
        };
        await walk(r.abs, 0);
        const offset = args.offset ?? 1;
        const limit = args.limit ?? 300;
        const page = entries.slice(offset - 1, offset - 1 + limit);
        const more = offset - 1 + page.length < entries.length ? `\n[${entries.length} entries; continue with offset ${offset + page.length}]` : "";
        return { ok: true, output: `${r.rel || "."}/\n${page.join("\n")}${more}` };
      } catch (error) {
        if (error instanceof PathEscapeError) return { ok: false, output: error.message };
        throw error;
      }
    },
  });
}
