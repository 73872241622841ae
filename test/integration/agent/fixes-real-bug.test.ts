/**
 * End to end through the real bubblewrap sandbox: a scripted model fixes the bug in the
 * agent-calc fixture (read_file -> apply_patch -> shell running the tests -> final answer), and
 * a model that tries to reach outside (host secrets, .git hooks, the network) gets nowhere.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runAgent } from "../../../src/agent/index.js";
import { checkSandboxAvailable, createSandbox } from "../../../src/sandbox/index.js";
import { startFakeModel, type FakeModel } from "../../helpers/fake-model.js";
import { agentInput, copyFixture, FIX_PATCH } from "../../unit/agent/agent-test-kit.js";

let model: FakeModel | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await model?.close();
  await cleanup?.();
  model = undefined;
  cleanup = undefined;
});

beforeAll(async () => {
  // The real sandbox is a hard requirement here: fail loudly rather than skip.
  expect((await checkSandboxAvailable()).ok).toBe(true);
});

describe("agent with the real sandbox", () => {
  it.each(["responses", "chat"] as const)("fixes a real bug in a fixture repo (%s)", async (wireApi) => {
    const fx = await copyFixture("agent-calc");
    cleanup = fx.cleanup;
    model = await startFakeModel({
      script: [
        { toolCalls: [{ name: "read_file", arguments: { file_path: "src/sum.js" } }] },
        { toolCalls: [{ name: "apply_patch", arguments: { input: FIX_PATCH } }] },
        { toolCalls: [{ name: "shell", arguments: { command: ["bash", "-lc", "node --test"] } }] },
        { text: "Title: Fix sum to add its arguments\n\nTests pass." },
      ],
    });
    const base = agentInput(fx.dir, model.baseURL);
    const sandbox = createSandbox({ mode: "workspace-write", workspaceDir: fx.dir, network: "off" });
    const result = await runAgent({ ...base, sandbox, model: { ...base.model, wireApi } });
    expect(result.outcome).toBe("completed");
    expect(result.testsRun).toEqual([{ command: "node --test", exitCode: 0 }]);
    expect(await readFile(path.join(fx.dir, "src/sum.js"), "utf8")).toContain("a + b");
    expect(JSON.stringify(model.requests.at(-1)!.body)).toMatch(/Exit code: 0[\s\S]*# pass 1/);
  });

  it("keeps host secrets, .git and the network out of reach of a hostile model", async () => {
    const fx = await copyFixture("agent-calc");
    cleanup = fx.cleanup;
    await mkdir(path.join(fx.dir, ".git/hooks"), { recursive: true });
    await writeFile(path.join(fx.dir, ".git/config"), "[core]\n");
    process.env.FAKE_HOST_TOKEN = "ghs_canaryCANARYcanary0123456789abcdef";
    try {
      model = await startFakeModel({
        script: [
          {
            toolCalls: [
              {
                name: "shell",
                arguments: {
                  command: "env; cat /proc/1/environ 2>/dev/null; echo hook > .git/hooks/pre-commit; curl -s --max-time 3 https://example.com || echo NO_NET",
                },
              },
              { name: "apply_patch", arguments: { input: "*** Begin Patch\n*** Add File: .git/hooks/post-checkout\n+touch /tmp/pwned\n*** End Patch" } },
            ],
          },
          { text: "Title: nothing\n\nnothing" },
        ],
      });
      const sandbox = createSandbox({ mode: "workspace-write", workspaceDir: fx.dir, network: "off" });
      await runAgent({ ...agentInput(fx.dir, model.baseURL), sandbox });
      const sent = JSON.stringify(model.requests.map((r) => r.body));
      expect(sent).not.toContain("ghs_canary");
      expect(sent).not.toContain("sk-test-key-0123456789");
      expect(sent).toContain("NO_NET");
      expect(sent).toContain(".git/ cannot be written");
      expect(existsSync(path.join(fx.dir, ".git/hooks/pre-commit"))).toBe(false);
      expect(existsSync(path.join(fx.dir, ".git/hooks/post-checkout"))).toBe(false);
    } finally {
      delete process.env.FAKE_HOST_TOKEN;
    }
  });
});
