import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBuiltinTools, createToolRegistry, dispatchToolCall, parseFinalAnswer, promptPath, truncateOutput } from "../../../src/agent/index.js";
import { SandboxError } from "../../../src/shared/errors.js";
import type { Sandbox } from "../../../src/sandbox/types.js";
import { processSandbox } from "./agent-test-kit.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "tools-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function tools(opts: { sandbox?: Sandbox; useRipgrep?: boolean; patchEnabled?: boolean } = {}) {
  const commands: { command: string; exitCode: number | null }[] = [];
  const registry = createToolRegistry(
    createBuiltinTools({
      sandbox: opts.sandbox ?? processSandbox(dir),
      cap: { maxBytes: 4096, maxLines: 100 },
      patchEnabled: opts.patchEnabled ?? true,
      ...(opts.useRipgrep !== undefined ? { useRipgrep: opts.useRipgrep } : {}),
      onTouch: () => undefined,
      onCommand: (command, exitCode) => commands.push({ command, exitCode }),
      onPlan: () => undefined,
    }),
  );
  const call = (name: string, args: unknown) => dispatchToolCall(registry, { name, arguments: JSON.stringify(args) }, { workspaceDir: dir });
  return { call, commands };
}

describe("read_file", () => {
  it("numbers lines, pages with offset/limit, and detects binary files", async () => {
    await writeFile(path.join(dir, "a.txt"), "one\ntwo\nthree\nfour\n");
    await writeFile(path.join(dir, "b.bin"), Buffer.from([0x89, 0x50, 0x00, 0x01]));
    const { call } = tools();
    expect(await call("read_file", { file_path: "a.txt", offset: 2, limit: 2 })).toEqual({
      ok: true,
      output: "L2: two\nL3: three\n[4 lines in total; continue with offset 4]",
    });
    expect((await call("read_file", { file_path: "b.bin" })).output).toMatch(/binary file \(4 bytes\), not shown/);
    expect(await call("read_file", { file_path: "missing.txt" })).toEqual({ ok: false, output: "missing.txt: no such file." });
  });
});

describe("list_dir", () => {
  it("lists a tree, skipping .git and node_modules", async () => {
    await mkdir(path.join(dir, "src/lib"), { recursive: true });
    await mkdir(path.join(dir, ".git"));
    await mkdir(path.join(dir, "node_modules/x"), { recursive: true });
    await writeFile(path.join(dir, "src/lib/a.ts"), "");
    await writeFile(path.join(dir, "README.md"), "");
    const out = (await tools().call("list_dir", { depth: 3 })).output;
    expect(out).toBe("./\nREADME.md\nsrc/\n  lib/\n    a.ts");
  });
});

describe("grep", () => {
  it.each([true, false])("finds matches and honours .gitignore (ripgrep=%s)", async (useRipgrep) => {
    await mkdir(path.join(dir, "src"), { recursive: true });
    await mkdir(path.join(dir, "dist"), { recursive: true });
    await writeFile(path.join(dir, ".gitignore"), "dist/\n");
    await writeFile(path.join(dir, "src/a.ts"), "const needle = 1;\nother\n");
    await writeFile(path.join(dir, "src/b.js"), "// needle here\n");
    await writeFile(path.join(dir, "dist/a.js"), "needle in build output\n");
    const { call } = tools({ useRipgrep });
    const all = await call("grep", { pattern: "needle" });
    expect(all.output.split("\n").sort()).toEqual(["src/a.ts:1:const needle = 1;", "src/b.js:1:// needle here"]);
    expect((await call("grep", { pattern: "NEEDLE", ignore_case: true, include: "*.ts" })).output).toBe("src/a.ts:1:const needle = 1;");
    expect((await call("grep", { pattern: "absent" })).output).toBe("No matches.");
    expect((await call("grep", { pattern: "(" })).ok).toBe(false);
  });
});

describe("shell", () => {
  it("reports exit code, wall time and output; records test commands", async () => {
    const { call, commands } = tools();
    const r = await call("shell", { command: ["bash", "-lc", "echo out; echo err >&2; exit 3"] });
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/^Exit code: 3\nWall time: \d+\.\d seconds\nOutput:\nout\n\[stderr\]\nerr/);
    await call("shell", { command: "npm test --silent || true" });
    expect(commands.map((c) => c.command)).toEqual(["echo out; echo err >&2; exit 3", "npm test --silent || true"]);
  });

  it("routes apply_patch heredocs to the patch applier, and refuses them in read-only runs", async () => {
    await writeFile(path.join(dir, "f.txt"), "a\n");
    const heredoc = "apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: f.txt\n-a\n+b\n*** End Patch\nEOF";
    expect((await tools().call("shell", { command: ["bash", "-lc", heredoc] })).output).toMatch(/^Success/);
    expect(await readFile(path.join(dir, "f.txt"), "utf8")).toBe("b\n");
    const ro = await tools({ patchEnabled: false }).call("shell", { command: ["apply_patch", "*** Begin Patch\n*** Delete File: f.txt\n*** End Patch"] });
    expect(ro).toEqual({ ok: false, output: "apply_patch is not available in this run (read-only)." });
  });

  it("refuses an apply_patch heredoc with mismatched quotes (Codex: not a heredoc) and says how to call it", async () => {
    await writeFile(path.join(dir, "f.txt"), "a\n");
    const { call, commands } = tools();
    for (const open of [`<<"EOF'`, `<<'EOF"`]) {
      const r = await call("shell", { command: ["bash", "-lc", `apply_patch ${open}\n*** Begin Patch\n*** Update File: f.txt\n-a\n+b\n*** End Patch\nEOF`] });
      expect(r.ok).toBe(false);
      expect(r.output).toMatch(/apply_patch <<'EOF'.*matching quotes.*No file was changed/);
    }
    // A closing delimiter that is not the opening one is no heredoc either.
    const r = await call("shell", { command: ["bash", "-lc", "apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: f.txt\n-a\n+b\n*** End Patch\nEND"] });
    expect(r.ok).toBe(false);
    expect(await readFile(path.join(dir, "f.txt"), "utf8")).toBe("a\n");
    expect(commands).toEqual([]);
  });

  it("turns a policy refusal into a tool error and a dead sandbox into a fatal error", async () => {
    const denied: Sandbox = { policy: processSandbox(dir).policy, run: () => Promise.reject(new SandboxError("sandbox/denied", "network is off")) };
    expect(await tools({ sandbox: denied }).call("shell", { command: ["curl", "x"] })).toEqual({
      ok: false,
      output: "Command refused by the sandbox policy: network is off",
    });
    const dead: Sandbox = { policy: processSandbox(dir).policy, run: () => Promise.reject(new SandboxError("sandbox/unavailable", "bwrap missing")) };
    await expect(tools({ sandbox: dead }).call("shell", { command: ["ls"] })).rejects.toMatchObject({ code: "sandbox/unavailable" });
  });
});

describe("helpers", () => {
  it("keeps the head and tail of long output", () => {
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join("\n");
    const out = truncateOutput(text, { maxBytes: 200, maxLines: 10 });
    expect(out.startsWith("line 0\nline 1")).toBe(true);
    expect(out.endsWith("line 999")).toBe(true);
    expect(out).toMatch(/\[\.\.\. 990 lines omitted; output was \d+ bytes, 1000 lines \.\.\.\]/);
  });

  it.each([
    ["Title: Fix sum\n\nBody here", "Fix sum", "Body here"],
    ["**Title:** Fix sum\n\nBody", "Fix sum", "Body"],
    ["I did it.\n\nPR title: Fix it\n\nDetails", "Fix it", "I did it.\n\nDetails"],
    ["Fix the thing\nLonger text", "Fix the thing", "Longer text"],
  ])("parses the final answer %#", (text, title, body) => {
    expect(parseFinalAnswer(text)).toEqual({ prTitle: title, prBody: body });
  });

  it("finds prompts next to the sources", () => {
    expect(promptPath("resolve-issue")).toMatch(/src\/agent\/prompts\/resolve-issue\.md$/);
  });
});

describe("tools on a tree the model made hostile", () => {
  it("grep, read_file and apply_patch never open a FIFO (.gitignore or a searched file): they answer, nothing blocks", async () => {
    const { execFileSync } = await import("node:child_process");
    await writeFile(path.join(dir, "a.txt"), "needle\n");
    execFileSync("mkfifo", [path.join(dir, ".gitignore")]);
    execFileSync("mkfifo", [path.join(dir, "pipe.txt")]);
    const { call } = tools({ useRipgrep: false });
    const grep = await call("grep", { pattern: "needle" });
    expect(grep.output).toContain("a.txt:1:needle");
    expect((await call("read_file", { file_path: "pipe.txt" })).ok).toBe(false);
    const patch = "*** Begin Patch\n*** Update File: pipe.txt\n@@\n-x\n+y\n*** End Patch";
    expect((await call("apply_patch", { input: patch })).ok).toBe(false);
  });

  it("a .gitignore symlinked to /dev/zero is not read by grep", async () => {
    const { symlink } = await import("node:fs/promises");
    await writeFile(path.join(dir, "a.txt"), "needle\n");
    await symlink("/dev/zero", path.join(dir, ".gitignore"));
    const { call } = tools({ useRipgrep: false });
    expect((await call("grep", { pattern: "needle" })).output).toContain("a.txt:1:needle");
  });
});
