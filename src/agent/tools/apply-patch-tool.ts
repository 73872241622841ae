import { z } from "zod";
import { applyPatch } from "../patch/apply-patch.js";
import { defineTool } from "./define-tool.js";

export const APPLY_PATCH_DESCRIPTION = `Edit files with a patch in the V4A format (Codex's apply_patch format):
*** Begin Patch
*** Update File: path/to/file.py
@@ def example():
-    return 1
+    return 2
*** Add File: path/to/new.py
+print("hello")
*** Delete File: path/to/old.py
*** End Patch
Rules:
- Paths are relative to the repository root.
- In an Update File hunk every line starts with ' ' (context), '-' (remove) or '+' (add). Give about 3 lines of context around each change, and an '@@ <line>' anchor (the exact text of a line such as the function or class) when the context alone is not unique; several '@@' lines narrow it step by step. Hunks go in file order.
- A hunk with only '+' lines is inserted right after its '@@' anchor line; with no anchor, or followed by '*** End of File', it is appended at the end of the file.
- '*** End of File' after a hunk's lines: they must be the last lines of the file.
- '*** Move to: new/path' right after an Update File line renames the file.
Two differences from Codex's apply_patch:
- All or nothing: if any part fails (lines not found, a missing file), no file is changed, not even by the parts before it. Fix what the error names and send the whole patch again.
- '*** Move to:' never overwrites: onto an existing file it is refused. To replace that file, put '*** Delete File: new/path' before the Update File in the same patch, or choose another path.`;

export function createApplyPatchTool(onChange: (paths: string[]) => void) {
  return defineTool({
    name: "apply_patch",
    description: APPLY_PATCH_DESCRIPTION,
    schema: z.object({ input: z.string().min(1).describe("The entire patch, from '*** Begin Patch' to '*** End Patch'") }),
    mutating: true,
    async run(args, ctx) {
      const result = await applyPatch(ctx.workspaceDir, args.input);
      if (result.ok) onChange(result.changes.map((c) => c.path));
      return { ok: result.ok, output: result.output };
    },
  });
}
