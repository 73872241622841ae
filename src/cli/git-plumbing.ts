/**
 * Git plumbing on the user's checkout through the hardened runner (src/workspace/native-git.ts):
 * no system or global config, an empty environment and HOME, hooks and fsmonitor off. Only
 * commands that read the object store or config and run no filter, driver or hook are used.
 */
import { runGit } from "../workspace/native-git.js";

export const PLUMBING_TIMEOUT_MS = 120_000;
/** Reading config is instant unless an included file is a FIFO that never answers. */
export const CONFIG_TIMEOUT_MS = 15_000;

/** git's answer to a plumbing question, or null when it says "no" (non-zero exit). */
export async function plumbing(root: string, args: string[], timeoutMs = PLUMBING_TIMEOUT_MS): Promise<string | null> {
  try {
    return (await runGit(args, { cwd: root, timeoutMs })).stdout.toString("utf8").trim() || null;
  } catch {
    return null;
  }
}
