import pino from "pino";
import { describe, expect, it } from "vitest";
import type { RunAgentInput, RunAgentResult } from "../../../src/agent/types.js";
import { parseEnv } from "../../../src/config/env.js";
import { applyOperatorCaps, repoConfigSchema } from "../../../src/config/repo-config.js";
import type { StatusReporter } from "../../../src/github/status-reporter.js";
import type { JobContext } from "../../../src/jobs/types.js";
import type { SandboxPolicy } from "../../../src/sandbox/types.js";
import { runAgentSession } from "../../../src/tasks/agent-session.js";
import type { TaskDeps } from "../../../src/tasks/task-deps.js";

const RESULT: RunAgentResult = {
  outcome: "completed",
  summary: "",
  prTitle: "",
  prBody: "",
  plan: [],
  usage: { input: 0, cachedInput: 0, output: 0, reasoning: 0 },
  costUsd: 0,
  turns: 1,
  testsRun: [],
};

function arrange(envVars: Record<string, string>, agentYml: unknown) {
  const env = parseEnv(envVars);
  const config = applyOperatorCaps(repoConfigSchema.parse(agentYml), env);
  const runs: { network: SandboxPolicy["network"]; script: string | undefined }[] = [];
  const policies: SandboxPolicy[] = [];
  let agentSandbox: SandboxPolicy | undefined;
  let agentModel: RunAgentInput["model"] | undefined;
  const deps = {
    env,
    createSandbox: (policy: SandboxPolicy) => {
      policies.push(policy);
      return {
        policy,
        run: async (o: { script?: string }) => {
          runs.push({ network: policy.network, script: o.script });
          return { exitCode: 0, signal: null, stdout: "", stderr: "", truncated: false, timedOut: false, durationMs: 1 };
        },
      };
    },
    runAgent: async (input: RunAgentInput) => {
      agentSandbox = input.sandbox.policy;
      agentModel = input.model;
      return RESULT;
    },
  } as unknown as TaskDeps; // only the members runAgentSession uses
  const job = { signal: new AbortController().signal, takeMessages: () => [], log: pino({ level: "silent" }) } as unknown as JobContext;
  const reporter = { update: async () => undefined } as unknown as StatusReporter;
  const session = () =>
    runAgentSession({
      deps,
      job,
      config,
      dir: "/tmp/ws",
      task: { kind: "resolve-issue", text: "x" },
      instructions: "",
      reporter,
    });
  return { session, runs, policies, agentSandbox: () => agentSandbox, agentModel: () => agentModel };
}

describe("runAgentSession sandbox policy", () => {
  it("gives setup commands the allowlisted network and the agent none", async () => {
    const a = arrange({ AGENT_NETWORK_ALLOWLIST: "registry.npmjs.org" }, { sandbox: { network: ["registry.npmjs.org"], setupCommands: ["npm ci"] } });
    await a.session();
    expect(a.runs).toEqual([{ network: ["registry.npmjs.org"], script: "npm ci" }]);
    expect(a.agentSandbox()?.network).toBe("off");
  });

  it("drops hosts the operator did not allow, so setup runs offline too", async () => {
    const a = arrange({}, { sandbox: { network: ["evil.example.com"], setupCommands: ["npm ci"] } });
    await a.session();
    expect(a.runs).toEqual([{ network: "off", script: "npm ci" }]);
  });

  it("passes the model settings from agent.yml and the operator's endpoint to the agent", async () => {
    const a = arrange(
      { OPENAI_BASE_URL: "http://127.0.0.1:9/v1", AGENT_MODEL: "gpt-5-codex" },
      { model: { nativeTools: true, wireApi: "responses", reasoningEffort: "high" } },
    );
    await a.session();
    expect(a.agentModel()).toMatchObject({
      name: "gpt-5-codex",
      wireApi: "responses",
      reasoningEffort: "high",
      nativeTools: true,
      baseURL: "http://127.0.0.1:9/v1",
    });
  });

  it("opts in to danger-full-access only when the operator allows the mode", async () => {
    const refused = arrange({}, { sandbox: { mode: "danger-full-access" } });
    await refused.session();
    expect(refused.agentSandbox()).toMatchObject({ mode: "workspace-write", allowDangerFullAccess: false });

    const allowed = arrange({ AGENT_SANDBOX_MODES: "workspace-write,danger-full-access" }, { sandbox: { mode: "danger-full-access" } });
    await allowed.session();
    expect(allowed.agentSandbox()).toMatchObject({ mode: "danger-full-access", allowDangerFullAccess: true });
  });
});
