/**
 * `issue-agent run`: the same runAgent the app uses, on a local directory. Steps:
 * 1. read the task, 2. check the repo, env and agent.yml (any problem: exit 2 before spending),
 * 3. build the sandbox, 4. run the agent with a progress renderer, 5. optionally commit on a new
 * branch, 6. report and map the outcome to an exit code.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { createTranscriptRecorder, type TranscriptEntry } from "../agent/transcript.js";
import type { RunAgentInput, RunAgentResult } from "../agent/types.js";
import type { Sandbox, SandboxPolicy } from "../sandbox/types.js";
import { ConfigError } from "../shared/errors.js";
import { readAll, type CliIo } from "./cli-io.js";
import { describeFailure } from "./describe-failure.js";
import { formatCost, formatCount, printable } from "./describe-event.js";
import { EXIT, exitCodeForOutcome } from "./exit-codes.js";
import { findGitRoot, isDirectory } from "./find-git-root.js";
import { LocalGitRefused } from "./create-local-git.js";
import { loadLocalConfig } from "./load-local-config.js";
import { resolveNetworkGrant, type NetworkGrant } from "./network-grant.js";
import { outsideTaskChanges } from "./outside-task-changes.js";
import { protectGitPaths } from "./protect-git-paths.js";
import { codeRunningWorkTreeSettings } from "./repo-git-config.js";
import type { LocalGit } from "./local-git.js";
import { UsageError, type RunOptions } from "./parse-cli-args.js";
import { needsApiKey, parseCliEnv } from "./parse-cli-env.js";
import { createJsonRenderer, createLineRenderer, createTtyRenderer, type ProgressRenderer } from "./renderers.js";
import { resolveRunSettings } from "./resolve-run-settings.js";

export interface RunDeps {
  runAgent(input: RunAgentInput): Promise<RunAgentResult>;
  createSandbox(policy: SandboxPolicy): Sandbox | Promise<Sandbox>;
  /** Probe bubblewrap before spending tokens (the sandbox fails closed either way). */
  checkSandbox(): Promise<{ ok: true } | { ok: false; reason: string; fix: string }>;
  git: LocalGit;
}

/** The final `--json` line. */
export interface RunResultLine extends Partial<RunAgentResult> {
  type: "result";
  outcome: RunAgentResult["outcome"];
  exitCode: number;
  changedFiles: string[];
  /** False when the model has no price: `costUsd` is then not a real cost. */
  priced?: boolean;
  /** Changed files outside what a task needs: git hooks and config, CI and agent configuration (outside-task-changes.ts). */
  outsideTask?: string[];
  /** Git hook directories and config files (the work tree's and .git's) that changed during the run, whether tracked or not. */
  gitPathsChanged?: string[];
  /** Settings in work-tree files the repository's git config includes that make git run commands (never run by issue-agent). */
  gitRunsFromWorkTree?: string[];
  branch?: string;
  commit?: string;
  error?: { code: string; message: string };
}

export const MISSING_KEY_MESSAGE =
  "OPENAI_API_KEY is not set. Export your key (export OPENAI_API_KEY=sk-...), or point OPENAI_BASE_URL at a local OpenAI-compatible server that needs none (for example http://localhost:11434/v1 for Ollama).";

async function readTask(options: RunOptions, io: CliIo): Promise<string> {
  if (options.task !== undefined) return options.task;
  const file = options.taskFile as string;
  let text: string;
  try {
    text = file === "-" ? await readAll(io.stdin) : await readFile(path.resolve(io.cwd, file), "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the task file "${file}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, "run");
  }
  if (text.trim() === "") throw new UsageError(file === "-" ? "the task read from standard input is empty" : `the task file "${file}" is empty`, "run");
  return text;
}

/** Branch names git accepts; checked before the run so a typo costs nothing. */
/** JSON Lines, one entry per line: the format of the app's AGENT_DATA_DIR/transcripts files. */
async function writeTranscriptFile(file: string, entries: readonly TranscriptEntry[]): Promise<void> {
  await writeFile(file, entries.map((e) => JSON.stringify(e)).join("\n") + (entries.length ? "\n" : ""), { mode: 0o600 });
}

function assertBranchName(name: string): void {
  const control = [...name].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127);
  const bad = control || /(^[-/.])|([/.]$)|\.\.|\/\/|@\{|[\s~^:?*[\\]|\.lock(\/|$)/.test(name) || name === "@";
  if (bad) throw new UsageError(`"${name}" is not a valid branch name`, "run");
}

export async function runRunCommand(options: RunOptions, io: CliIo, deps: RunDeps): Promise<number> {
  const fail = (exitCode: number, code: string, message: string): number => {
    io.stderr.write(`issue-agent: ${message}\n`);
    if (options.json) writeResult(io, { type: "result", outcome: "failed", exitCode, changedFiles: [], error: { code, message } });
    return exitCode;
  };

  // 1-2. Everything that can be wrong before spending a token: exit 2.
  let task: string;
  let settings: ReturnType<typeof resolveRunSettings>;
  let repoDir: string;
  let root: string;
  let grant: NetworkGrant;
  try {
    task = await readTask(options, io);
    repoDir = path.resolve(io.cwd, options.repo);
    if (!isDirectory(repoDir)) throw new UsageError(`${repoDir} does not exist or is not a directory`, "run");
    const found = findGitRoot(repoDir);
    if (!found) {
      throw new UsageError(
        `${repoDir} is not a git repository (no .git in it or any parent). Run the agent inside a git checkout (or "git init" first) so its changes can be reviewed and undone.`,
        "run",
      );
    }
    root = found;
    if (options.branch) assertBranchName(options.branch);
    const env = parseCliEnv(io.env);
    if (needsApiKey(env) && !env.OPENAI_API_KEY) throw new UsageError(MISSING_KEY_MESSAGE, "run");
    await deps.git.assertSupported(repoDir);
    const { config } = await loadLocalConfig(repoDir);
    settings = resolveRunSettings(options, config, env, repoDir);
    if (options.commit && options.branch) {
      await deps.git.assertCanCommit(repoDir, options.branch);
      // The commit must hold the agent's work only, never the user's unfinished edits.
      const dirty = [...new Set([...(await deps.git.changedFiles(repoDir)), ...(await deps.git.stagedFiles(repoDir))])].sort();
      if (dirty.length > 0)
        throw new UsageError(
          `--commit needs a clean working tree and index; commit or stash these first: ${dirty.slice(0, 5).join(", ")}${dirty.length > 5 ? ", ..." : ""}`,
          "run",
        );
    }
    grant = await resolveNetworkGrant({
      requested: settings.requestedNetwork,
      flag: options.network,
      setupCommands: settings.setupCommands,
      io,
      interactive: !options.json,
    });
  } catch (error) {
    if (error instanceof UsageError) return fail(EXIT.usage, error.code, error.message);
    if (error instanceof ConfigError)
      return fail(EXIT.usage, error.code, error.issues.length > 1 ? `${error.message.split(":")[0]}:\n  ${error.issues.join("\n  ")}` : error.message);
    if (error instanceof LocalGitRefused) return fail(EXIT.usage, error.code, error.message);
    throw error;
  }
  const rendererOptions = { priced: settings.priced };
  const renderer: ProgressRenderer = options.json
    ? createJsonRenderer(io.stdout)
    : io.stdout.isTTY
      ? createTtyRenderer(io.stdout, rendererOptions)
      : createLineRenderer(io.stdout, rendererOptions);
  for (const note of [...settings.notes, ...grant.notes]) renderer.note(note);
  const failureContext = { baseURL: settings.model.baseURL, apiKey: settings.model.apiKey };

  // 3-4. The sandbox, the setup commands and the agent.
  if (settings.sandbox.mode !== "danger-full-access") {
    const availability = await deps.checkSandbox();
    if (!availability.ok) {
      return fail(
        EXIT.failed,
        "sandbox/unavailable",
        `The sandbox cannot start: ${availability.reason}. ${availability.fix} (Or pass --sandbox danger-full-access to run the agent's commands unsandboxed on this machine.)`,
      );
    }
  }
  // Hooks, included config and attributes stay read-only: the user's own git runs them later.
  const gitPaths = await protectGitPaths(root, repoDir, io.env.HOME);
  let result: RunAgentResult;
  // The same transcript the app records for a GitHub run, redacted as it is recorded.
  const transcript = options.transcript ? createTranscriptRecorder({ secrets: () => [settings.model.apiKey ?? ""].filter((k) => k.length >= 8) }) : undefined;
  transcript?.task("cli", settings.model.name, task);
  try {
    const policy = { ...settings.sandbox, protectedPaths: gitPaths.paths };
    const sandbox = await deps.createSandbox({ ...policy, network: grant.agent });
    const setupSandbox = grant.setup === "off" ? sandbox : await deps.createSandbox({ ...policy, network: grant.setup });
    for (const script of settings.setupCommands) {
      renderer.note(`setup: ${printable(script.split("\n")[0]!)}${grant.setup === "off" ? " (offline)" : ` (network: ${grant.setup.join(", ")})`}`);
      const setup = await setupSandbox.run({ script, ...(io.signal ? { signal: io.signal } : {}) });
      if (setup.exitCode !== 0) {
        renderer.finish();
        const tail = printable(`${setup.stdout}\n${setup.stderr}`.trim().split("\n").slice(-5).join("\n"));
        return fail(
          EXIT.failed,
          "sandbox/setup-failed",
          `The setup command \`${printable(script.slice(0, 80))}\` from agent.yml failed (exit ${setup.exitCode ?? "killed"}${setup.timedOut ? ", timed out" : ""}); pass --skip-setup to run without it.${tail ? `\n${tail}` : ""}`,
        );
      }
    }
    result = await deps.runAgent({
      task: { kind: "cli", text: task },
      workspaceDir: repoDir,
      sandbox,
      model: settings.model,
      limits: settings.limits,
      compaction: settings.compaction,
      ...(settings.instructions ? { instructions: settings.instructions } : {}),
      onEvent: (event) => {
        transcript?.onEvent(event);
        renderer.event(event);
      },
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } catch (error) {
    renderer.finish();
    if (transcript && options.transcript) await writeTranscriptFile(path.resolve(io.cwd, options.transcript), transcript.entries).catch(() => undefined);
    const code = (error as { code?: unknown }).code;
    return fail(EXIT.failed, typeof code === "string" ? code : "internal", describeFailure(error, failureContext));
  } finally {
    await gitPaths.release();
  }
  renderer.finish();
  if (transcript && options.transcript) {
    try {
      await writeTranscriptFile(path.resolve(io.cwd, options.transcript), transcript.entries);
    } catch (writeError) {
      io.stderr.write(`issue-agent: could not write the transcript to ${options.transcript}: ${(writeError as Error).message}\n`);
    }
  }

  // 5. Changed files, and the commit when asked.
  let changedFiles: string[] = [];
  let commit: string | undefined;
  let exitCode: number = exitCodeForOutcome(result.outcome);
  let error = result.error ? { code: result.error.code, message: describeFailure(result.error, failureContext) } : undefined;
  try {
    changedFiles = await deps.git.changedFiles(repoDir);
    if (result.outcome === "completed" && changedFiles.length === 0) {
      // The agent said it was done but nothing differs from HEAD: for a script that is "no changes".
      exitCode = EXIT.noChanges;
    }
    if (options.commit && options.branch && changedFiles.length > 0 && (result.outcome === "completed" || result.outcome === "budget_exhausted")) {
      commit = await deps.git.commitOnNewBranch(
        repoDir,
        options.branch,
        result.prTitle || task.split("\n")[0] || "issue-agent changes",
        result.prBody || result.summary,
      );
    }
  } catch (gitError) {
    exitCode = EXIT.failed;
    error = { code: (gitError as { code?: string }).code ?? "workspace/commit-refused", message: `git: ${(gitError as Error).message}` };
  }

  // 6. Report.
  const line: RunResultLine = {
    type: "result",
    ...result,
    priced: settings.priced,
    exitCode,
    changedFiles,
    outsideTask: outsideTaskChanges(root, changedFiles, gitPaths.paths),
    gitPathsChanged: await gitPaths.changed(),
    gitRunsFromWorkTree: codeRunningWorkTreeSettings(root, await gitPaths.configNow()).map((s) => `${s.key} (${s.file})`),
    ...(commit ? { branch: options.branch, commit } : {}),
    ...(error ? { error } : {}),
  };
  if (options.json) {
    writeResult(io, line);
    if (line.error) io.stderr.write(`issue-agent: ${line.error.message}\n`);
  } else writeHumanReport(io, line, options);
  return exitCode;
}

function writeResult(io: CliIo, line: RunResultLine): void {
  io.stdout.write(`${JSON.stringify(line)}\n`);
}

const HEADLINE: Record<RunAgentResult["outcome"], string> = {
  completed: "Done",
  no_changes: "Finished without changing any file",
  budget_exhausted: "Stopped: budget exhausted",
  cancelled: "Cancelled",
  failed: "Failed",
};

function writeHumanReport(io: CliIo, r: RunResultLine, options: RunOptions): void {
  const out = (s = "") => io.stdout.write(`${s}\n`);
  const usage = r.usage ? ` · ${formatCount(r.usage.input)} in · ${formatCount(r.usage.output)} out · ${formatCost(r.costUsd ?? 0, r.priced !== false)}` : "";
  const headline = r.exitCode === EXIT.noChanges ? HEADLINE.no_changes : HEADLINE[r.outcome];
  out();
  out(`${headline} after ${r.turns ?? 0} turn${r.turns === 1 ? "" : "s"}${usage}`);
  if (r.summary) out(r.summary.trim());
  if (r.changedFiles.length > 0) {
    out();
    out(`Changed files (${r.changedFiles.length}):`);
    for (const f of r.changedFiles) out(`  ${f}`);
    out();
    out(r.commit ? `Committed ${r.commit.slice(0, 7)} on new branch ${r.branch}.` : "The changes are in the working tree: review them with git diff.");
  }
  if (r.outsideTask && r.outsideTask.length > 0) {
    out();
    out(`Changed outside what the task needs (${r.outsideTask.length}): git hooks or config, CI, agent or editor configuration.`);
    out("Review these before running git, opening the project in an editor or pushing:");
    for (const f of r.outsideTask) out(`  ${f}`);
  }
  if (r.gitPathsChanged && r.gitPathsChanged.length > 0) {
    out();
    out("Git hooks or config changed during the run; issue-agent ran none of them, your own git would:");
    for (const p of r.gitPathsChanged) out(`  ${p}`);
  }
  if (r.gitRunsFromWorkTree && r.gitRunsFromWorkTree.length > 0) {
    out();
    out("Your git config includes files from the work tree that make git run commands; issue-agent never ran them, your own git will:");
    for (const s of r.gitRunsFromWorkTree) out(`  ${s}`);
  }
  if (r.changedFiles.length === 0 && options.commit && r.exitCode !== EXIT.ok) {
    out("Nothing was committed.");
  }
  if (r.error) io.stderr.write(`issue-agent: ${r.error.message}\n`);
}
