/**
 * The workspace against a tree the model controls and repositories that fight back, through the
 * same `createGitOps` the tasks use (worker process, native git, repository cache). Each case
 * fails without its defence: a FIFO or a symlinked `.gitignore` opened on the host, a walk with no
 * cap, a size cap that counts compressed bytes only, a scan that reads the human-readable diff,
 * a cache that trusts its files or mixes repositories.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitOps, type WorkspaceGitOps } from "../../../src/workspace/index.js";
import { git, makeTempDir } from "../../helpers/git-fixtures.js";
import { startGitServer, type GitServer } from "../../helpers/git-server.js";
import { waitFor } from "../../helpers/wait-for.js";
import { collectingLog, TOKEN } from "./workspace-test-kit.js";

const MB = 1024 * 1024;
const AWS_KEY = "AKIAZ3MHQW7XK2PLN4TB";
const BOT = { name: "issue-agent[bot]", email: "bot@users.noreply.github.com" };

describe("workspace worker on hostile trees and repositories", () => {
  let server: GitServer;
  let url: string;
  let dataDir: string;
  let ops: WorkspaceGitOps;

  beforeAll(async () => {
    server = await startGitServer({ token: TOKEN });
    url = await server.createBareRepo("hostile", { "README.md": "# demo\n", ".gitignore": "dist/\n", "src/app.js": "export const a = 1;\n" });
    dataDir = makeTempDir("ia-hostile-");
    ops = createGitOps({ dataDir, maxRepoBytes: 64 * MB, treeCaps: { maxEntries: 20_000, maxTotalBytes: 512 * MB, maxBlobBytes: 20 * MB } });
  });
  afterAll(async () => {
    await ops.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const workspaceCount = (): number => readdirSync(path.join(dataDir, "workspaces")).length;

  it("a FIFO .gitignore is refused without being opened; the app's event loop never stalls and the next job completes", async () => {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = Date.now();
    const inspected = await ops.withWorkspace("fifo", async (dir) => {
      const { headSha } = await ops.clone({ dir, url, ref: "main", token: TOKEN, scope: "installation:1" });
      rmSync(path.join(dir, ".gitignore"));
      execFileSync("mkfifo", [path.join(dir, ".gitignore")]);
      writeFileSync(path.join(dir, "new.txt"), "hello\n");
      return ops.inspectChanges({ dir, baseSha: headSha });
    });
    delay.disable();
    expect(inspected.refused).toEqual([{ path: ".gitignore", reason: "special-file" }]);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(delay.max / 1e6).toBeLessThan(1000);

    const pushed = await ops.withWorkspace("after-fifo", async (dir) => {
      await ops.clone({ dir, url, ref: "main", token: TOKEN, scope: "installation:1" });
      await ops.createBranch({ dir, name: "agent/after-fifo" });
      writeFileSync(path.join(dir, "ok.txt"), "fine\n");
      const sha = await ops.commitAll({ dir, message: "ok", author: BOT, coAuthors: [] });
      await ops.push({ dir, url, branch: "agent/after-fifo", token: TOKEN, expectedRemoteSha: null });
      return sha;
    });
    expect(server.git("hostile", ["rev-parse", "agent/after-fifo"])).toBe(pushed);
    expect(workspaceCount()).toBe(0);
  });

  it(".gitignore as a symlink to /dev/zero or to a host file is never read as ignore rules", async () => {
    const hostRules = path.join(makeTempDir("ia-host-"), "rules");
    writeFileSync(hostRules, "*.txt\nsecret-*\n");
    for (const target of ["/dev/zero", hostRules]) {
      const inspected = await ops.withWorkspace("symlinked-ignore", async (dir) => {
        const { headSha } = await ops.clone({ dir, url, ref: "main", token: TOKEN, scope: "installation:1" });
        rmSync(path.join(dir, ".gitignore"));
        symlinkSync(target, path.join(dir, ".gitignore"));
        writeFileSync(path.join(dir, "notes.txt"), "kept\n");
        return ops.inspectChanges({ dir, baseSha: headSha });
      });
      expect(inspected.refused).toEqual([]);
      // notes.txt is not ignored: the host file's `*.txt` was never applied; the symlink itself is the change.
      expect(inspected.changedFiles).toEqual([".gitignore", "notes.txt"]);
    }
  });

  it("30,000 files left by the agent stop at the cap with a clear reason, without walking them all", async () => {
    const error = await ops
      .withWorkspace("many-files", async (dir) => {
        const { headSha } = await ops.clone({ dir, url, ref: "main", token: TOKEN, scope: "installation:1" });
        const gen = path.join(dir, "gen");
        mkdirSync(gen);
        for (let i = 0; i < 30_000; i++) writeFileSync(path.join(gen, `f${i}`), "");
        return ops.inspectChanges({ dir, baseSha: headSha });
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "workspace/too-large" });
    expect((error as { userMessage: string }).userMessage).toMatch(/more than 20000 files[\s\S]*AGENT_MAX_TREE_FILES/);
    expect(workspaceCount()).toBe(0);
  });

  it("files in ignored directories are neither walked nor counted", async () => {
    const inspected = await ops.withWorkspace("ignored-bulk", async (dir) => {
      const { headSha } = await ops.clone({ dir, url, ref: "main", token: TOKEN, scope: "installation:1" });
      const dist = path.join(dir, "dist");
      mkdirSync(dist);
      for (let i = 0; i < 25_000; i++) writeFileSync(path.join(dist, `f${i}`), "");
      writeFileSync(path.join(dir, "src/app.js"), "export const a = 2;\n");
      return ops.inspectChanges({ dir, baseSha: headSha });
    });
    expect(inspected.changedFiles).toEqual(["src/app.js"]);
  });

  it("a zlib-bomb pack (a small download that inflates to 200 MiB) is refused before checkout", async () => {
    const bombUrl = await server.createBareRepo("bomb", { "README.md": "hi\n", "zeros.bin": Buffer.alloc(200 * MB) });
    const before = process.memoryUsage().rss;
    const error = await ops
      .withWorkspace("bomb", async (dir) => {
        const result = await ops.clone({ dir, url: bombUrl, ref: "main", token: TOKEN, scope: "installation:1" }).catch((e: unknown) => e);
        expect(existsSync(path.join(dir, "zeros.bin"))).toBe(false);
        return result;
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "workspace/too-large" });
    expect((error as { userMessage: string }).userMessage).toMatch(/larger than this app's limit of 20 MB[\s\S]*AGENT_MAX_BLOB_MB/);
    // The inflating happened (if at all) in git under the worker, never in this process.
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * MB);
  });

  describe("the pre-push scan reads exactly the bytes that will be committed", () => {
    const scanCase = async (name: string, write: (dir: string) => void) =>
      ops.withWorkspace(name, async (dir) => {
        const { headSha } = await ops.clone({ dir, url, ref: "main", token: TOKEN, scope: "installation:1" });
        write(dir);
        return ops.inspectChanges({ dir, baseSha: headSha });
      });

    it("a secret in a file with an invalid UTF-8 byte", async () => {
      const r = await scanCase("bad-utf8", (dir) =>
        writeFileSync(
          path.join(dir, "conf.js"),
          Buffer.concat([Buffer.from("const x = 1;\n\xff\n"), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(`const key = "${AWS_KEY}";\n`)]),
        ),
      );
      expect(r.secretHits.map((h) => h.path)).toContain("conf.js");
    });

    it("a secret at the end of a file over 1 MiB", async () => {
      const r = await scanCase("big-file", (dir) => writeFileSync(path.join(dir, "big.js"), `${"// filler line\n".repeat(90_000)}const key = "${AWS_KEY}";\n`));
      expect(r.secretHits).toEqual([expect.objectContaining({ path: "big.js", line: 90_001 })]);
    });

    it("a secret after more than 1 MiB of other changes", async () => {
      const r = await scanCase("big-diff", (dir) => {
        for (let i = 0; i < 12; i++) writeFileSync(path.join(dir, `a${String(i).padStart(2, "0")}.txt`), "x".repeat(100_000) + "\n");
        writeFileSync(path.join(dir, "z-last.js"), `const key = "${AWS_KEY}";\n`);
      });
      expect(r.secretHits.map((h) => h.path)).toEqual(["z-last.js"]);
    });

    it("a file name with a newline is refused, shown escaped, and never committed", async () => {
      const r = await scanCase("newline-name", (dir) => writeFileSync(path.join(dir, "evil\n+++ README.md"), `const key = "${AWS_KEY}";\n`));
      expect(r.refused).toEqual([{ path: "evil\\x0a+++ README.md", reason: "control-characters" }]);
    });
  });

  it("a worker killed mid-clone fails that job cleanly and its workspace is removed", async () => {
    const bigUrl = await server.createBareRepo("slow", Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`f${i}.bin`, Buffer.alloc(64 * 1024, i)])));
    const log = collectingLog();
    const error = await ops
      .withWorkspace({ id: "killed", log }, async (dir) => {
        const clone = ops.clone({ dir, url: bigUrl, ref: "main", token: TOKEN, scope: "installation:2" });
        // The busy worker is the one running git (a fetch); wait until there is one, then kill it.
        const busy = await waitFor(() => busyWorker(), { what: "a workspace worker running git", timeoutMs: 20_000, intervalMs: 5 });
        process.kill(busy, "SIGKILL");
        return clone;
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "workspace/worker" });
    expect((error as { userMessage: string }).userMessage).toMatch(/nothing was pushed/);
    expect(workspaceCount()).toBe(0);
  });
});

/** A workspace worker (child of this process) that has a `git` child of its own, or undefined. */
function busyWorker(): number | undefined {
  const children = (pid: number): number[] => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ").filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const cmdline = (pid: number): string => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      return "";
    }
  };
  return children(process.pid).find((pid) => cmdline(pid).includes("workspace-worker") && children(pid).some((c) => cmdline(c).startsWith("git")));
}

describe("repository cache", () => {
  let server: GitServer;
  let dataDir: string;
  let ops: WorkspaceGitOps;
  const cacheRoot = (): string => path.join(dataDir, "repo-cache");
  const entries = (): string[] => readdirSync(cacheRoot()).filter((n) => /^[0-9a-f]{40}$/.test(n));

  beforeAll(async () => {
    server = await startGitServer({ token: TOKEN });
    dataDir = makeTempDir("ia-cache-");
    ops = createGitOps({ dataDir, maxRepoBytes: 64 * MB });
  });
  afterAll(async () => {
    await ops.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cloneHead = (url: string, scope: string, ref = "main"): Promise<{ head: string; files: string[] }> =>
    ops.withWorkspace("cache", async (dir) => {
      const { headSha } = await ops.clone({ dir, url, ref, token: TOKEN, scope });
      expect(git(dir, ["status", "--porcelain"])).toBe("");
      return { head: headSha, files: git(dir, ["ls-files"]).split("\n") };
    });

  it("a second job fetches only what changed, and two concurrent jobs share one entry", async () => {
    const url = await server.createBareRepo("shared", Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}.txt`, `file ${i}\n`.repeat(200)])));
    await cloneHead(url, "installation:7");
    const second = await server.commit("shared", { files: { "new.txt": "one more\n" }, message: "second" });
    server.resetLog();
    const [a, b] = await Promise.all([cloneHead(url, "installation:7"), cloneHead(url, "installation:7")]);
    expect(a.head).toBe(second);
    expect(b.head).toBe(second);
    expect(a.files).toContain("new.txt");
    expect(entries()).toHaveLength(1);
    // Both jobs still authenticated with their own token before using the entry.
    expect(server.requests.filter((r) => r.service === "git-upload-pack" && r.authorized).length).toBeGreaterThanOrEqual(2);
  });

  it("a corrupted cache pack is detected and refetched, never trusted", async () => {
    const url = await server.createBareRepo("corrupt", { "a.txt": "alpha\n".repeat(1000), "b.txt": "beta\n" });
    const log = collectingLog();
    const first = await cloneHead(url, "installation:8");
    const before = new Set(entries());
    const entry = [...before].find((key) => readFileSync(path.join(cacheRoot(), key, "meta.json"), "utf8").includes("corrupt.git"))!;
    const packDir = path.join(cacheRoot(), entry, "git/objects/pack");
    const pack = readdirSync(packDir).find((n) => n.endsWith(".pack"))!;
    const bytes = readFileSync(path.join(packDir, pack));
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(path.join(packDir, pack), bytes);
    const again = await ops.withWorkspace({ id: "corrupt", log }, async (dir) => {
      await ops.clone({ dir, url, ref: "main", token: TOKEN, scope: "installation:8" });
      return readFileSync(path.join(dir, "a.txt"), "utf8");
    });
    expect(again).toBe("alpha\n".repeat(1000));
    expect(first.files).toEqual(["a.txt", "b.txt"]);
    expect(log.lines.join("\n")).toMatch(/repository cache entry corrupt: refetching/);
  });

  it("damage that keeps a pack's size and time (bit rot) is caught when git reads it, and the entry is refetched", async () => {
    const url = await server.createBareRepo("bitrot", { "a.txt": "alpha\n".repeat(2000), "b.txt": "beta\n" });
    await cloneHead(url, "installation:12");
    await cloneHead(url, "installation:12"); // the second use hashes the pack once and remembers it
    const entry = entries().find((key) => readFileSync(path.join(cacheRoot(), key, "meta.json"), "utf8").includes("bitrot.git"))!;
    const packDir = path.join(cacheRoot(), entry, "git/objects/pack");
    const pack = path.join(
      packDir,
      readdirSync(packDir).find((n) => n.endsWith(".pack"))!,
    );
    const before = statSync(pack);
    const bytes = readFileSync(pack);
    for (let i = 40; i < bytes.length - 40; i += 97) bytes[i]! ^= 0x5a;
    writeFileSync(pack, bytes);
    utimesSync(pack, before.atime, before.mtime);
    const log = collectingLog();
    const again = await ops.withWorkspace({ id: "bitrot", log }, async (dir) => {
      await ops.clone({ dir, url, ref: "main", token: TOKEN, scope: "installation:12" });
      return readFileSync(path.join(dir, "a.txt"), "utf8");
    });
    expect(again).toBe("alpha\n".repeat(2000));
    expect(log.lines.join("\n")).toMatch(/unusable: refetching/);
  });

  it("never serves repository A's objects to a job on repository B, nor across installations", async () => {
    const urlA = await server.createBareRepo("repo-a", { "a-only.txt": "private to A\n" });
    const urlB = await server.createBareRepo("repo-b", { "b.txt": "B\n" });
    const a = await cloneHead(urlA, "installation:9");
    const leaked = await ops.withWorkspace("b", async (dir) => {
      await ops.clone({ dir, url: urlB, ref: "main", token: TOKEN, scope: "installation:9" });
      try {
        git(dir, ["cat-file", "-e", a.head]);
        return true;
      } catch {
        return false;
      }
    });
    expect(leaked).toBe(false);
    // The same repository under another installation gets its own entry, fetched with its own token.
    const keysBefore = new Set(entries());
    await cloneHead(urlA, "installation:10");
    expect(entries().filter((k) => !keysBefore.has(k))).toHaveLength(1);
    // A job whose token the server refuses gets nothing from an entry another job filled.
    const refused = await ops
      .withWorkspace("wrong-token", async (dir) => {
        await ops.clone({ dir, url: urlA, ref: "main", token: "ghs_wrongwrongwrongwrongwrongwrongwrong0", scope: "installation:9" });
        return readdirSync(dir);
      })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "workspace/auth" });
  });

  it("evicts least-recently-used entries above the size cap", async () => {
    const small = createGitOps({ dataDir, maxRepoBytes: 64 * MB, cacheMaxBytes: 1 });
    try {
      const url = await server.createBareRepo("evicted", { "x.txt": "x\n" });
      await small.withWorkspace("evict", async (dir) => {
        await small.clone({ dir, url, ref: "main", token: TOKEN, scope: "installation:11" });
      });
      // Eviction runs after the clone; give it a moment, then everything over 1 byte is gone.
      for (let i = 0; i < 50 && entries().length > 1; i++) await new Promise((r) => setTimeout(r, 100));
      expect(entries().length).toBeLessThanOrEqual(1);
    } finally {
      await small.close();
    }
  });
});

describe("spare checkouts", () => {
  it("the next job on a repository moves in a checkout prepared after the last one, at the new commit, with nothing left over", async () => {
    const server = await startGitServer({ token: TOKEN });
    const dataDir = makeTempDir("ia-spare-");
    const ops = createGitOps({ dataDir, maxRepoBytes: 64 * MB });
    try {
      const url = await server.createBareRepo("spare", { "keep.txt": "keep\n", "gone.txt": "bye\n", "dir/edit.txt": "v1\n" });
      await ops.withWorkspace("first", async (dir) => {
        await ops.clone({ dir, url, ref: "main", token: TOKEN, scope: "installation:20" });
        writeFileSync(path.join(dir, "agent-left-this.txt"), "scratch\n");
      });
      const second = await server.commit("spare", { files: { "gone.txt": null, "dir/edit.txt": "v2\n", "new.txt": "new\n" }, message: "upstream" });
      const log = collectingLog();
      const seen = await ops.withWorkspace({ id: "second", log }, async (dir) => {
        const { headSha } = await ops.clone({ dir, url, ref: "main", token: TOKEN, scope: "installation:20" });
        return {
          headSha,
          files: git(dir, ["ls-files"]).split("\n"),
          status: git(dir, ["status", "--porcelain", "--untracked-files=all"]),
          edit: readFileSync(path.join(dir, "dir/edit.txt"), "utf8"),
          branch: git(dir, ["rev-parse", "--abbrev-ref", "HEAD"]),
        };
      });
      expect(log.lines.join("\n")).toMatch(/"reusedCheckout":true/);
      expect(seen).toEqual({ headSha: second, files: ["dir/edit.txt", "keep.txt", "new.txt"], status: "", edit: "v2\n", branch: "main" });
    } finally {
      await ops.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
