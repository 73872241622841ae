import { z } from "zod";
import { applyPatch } from "../patch/apply-patch.js";
import { defineTool } from "./define-tool.js";

export const APPLY_PATCH_DESCRIPTION = `Edit files with a patch in the V4A format. The whole patch is applied or nothing is.
*** Begin Patch
*** Update File: path/to/file.py
@@ def example():
-    return 1
+    return 2
*** Add File: path/to/new.py
+print("hello")
*** Delete File: path/to/old.py
*** End Patch
Rules: paths are relative to the repository root; in Update File hunks every line starts with ' ' (context), '-' (remove) or '+' (add); give about 3 lines of context around each change and an '@@ <line>' anchor (e.g. the function or class) when the context is not unique; '*** Move to: new/path' right after an Update File line renames the file.`;

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
