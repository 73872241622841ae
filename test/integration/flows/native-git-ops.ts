/**
 * Interim GitOps for the flow tests, over the machine's native git, until src/workspace lands its
 * push and diff functions (then create-task-deps.ts binds the real module and this file goes).
 * Credentials travel only in an `http.extraHeader` on the command line, never in a URL or config.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AppError } from "../../../src/shared/errors.js";
import type { GitOps } from "../../../src/tasks/task-deps.js";

const execFileAsync = promisify(execFile);

// Async on purpose: the test git server runs in this same process, so a sync spawn would deadlock.
async function run(cwd: string, args: string[], token?: string): Promise<string> {
  const auth = token ? ["-c", `http.extraHeader=Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`] : [];
  const { stdout } = await execFileAsync("git", ["-c", "core.hooksPath=/dev/null", "-c", "init.defaultBranch=main", ...auth, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0" },
  });
  return stdout.trim();
}

export function nativeGitOps(root: string): GitOps {
  return {
    async withWorkspace(jobId, fn) {
      const dir = mkdtempSync(path.join(root, `ws-${jobId.slice(0, 8)}-`));
      try {
        return await fn(dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async clone({ dir, url, ref, token, depth }) {
      await run(dir, ["clone", "--quiet", "--single-branch", "--branch", ref, ...(depth ? ["--depth", String(depth)] : []), url, "."], token);
      return { headSha: await run(dir, ["rev-parse", "HEAD"]) };
    },
    async createBranch({ dir, name }) {
      await run(dir, ["checkout", "--quiet", "-b", name]);
    },
    async commitAll({ dir, message, author, coAuthors }) {
      await run(dir, ["add", "-A"]);
      if ((await run(dir, ["status", "--porcelain"])) === "") return null;
      const trailer = coAuthors.map((c) => `Co-authored-by: ${c.name} <${c.email}>`).join("\n");
      await run(dir, ["-c", `user.name=${author.name}`, "-c", `user.email=${author.email}`, "commit", "--quiet", "-m", trailer ? `${message}\n\n${trailer}` : message]);
      return await run(dir, ["rev-parse", "HEAD"]);
    },
    async push({ dir, url, branch, token, expectedRemoteSha }) {
      const remote = (await run(dir, ["ls-remote", url, `refs/heads/${branch}`], token)).split(/\s+/)[0] || null;
      if (remote !== expectedRemoteSha) {
        throw new AppError("workspace/branch-moved", `branch ${branch} moved`, { userMessage: "The branch moved." });
      }
      await run(dir, ["push", "--quiet", url, `HEAD:refs/heads/${branch}`], token);
    },
    async changedFiles({ dir, baseSha }) {
      await run(dir, ["add", "-A"]);
      const out = await run(dir, ["diff", "--cached", "--name-only", baseSha]);
      return out ? out.split("\n") : [];
    },
    async unifiedDiff({ dir, baseSha }) {
      await run(dir, ["add", "-A"]);
      return await run(dir, ["diff", "--cached", baseSha]);
    },
  };
}
