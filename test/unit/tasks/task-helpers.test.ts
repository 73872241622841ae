import { describe, expect, it } from "vitest";
import { createTriggerLimiter } from "../../../src/handlers/trigger-limiter.js";
import { explainFailure } from "../../../src/tasks/explain-failure.js";
import { executedChangesIn } from "../../../src/tasks/executed-paths.js";
import { formatPullRequestBody, formatTitle, mergeExecutedWarning, slugify } from "../../../src/tasks/format-pull-request.js";
import { isProtectedPath } from "../../../src/tasks/protected-paths.js";
import { AppError } from "../../../src/shared/errors.js";

describe("protected paths", () => {
  it.each([".github/workflows/ci.yml", "AGENTS.md", "pkg/AGENTS.md", ".github/agent.yml", ".github/agent.yaml", "CLAUDE.md", ".mcp.json", ".husky/pre-commit"])(
    "%s is CI/agent configuration",
    (p) => {
      expect(isProtectedPath(p)).toBe(true);
    },
  );
  it.each(["src/index.ts", "README.md", "docs/workflows.md", ".github/ISSUE_TEMPLATE/bug.md"])("%s is not", (p) => {
    expect(isProtectedPath(p)).toBe(false);
  });
});

describe("trigger limiter", () => {
  it("limits triggers per user and per repo in a sliding hour, and refuses once per window", () => {
    let now = 0;
    const limiter = createTriggerLimiter({ perUserPerHour: 2, perRepoPerHour: 3, now: () => now });
    expect(limiter.tryTrigger("o/r", "a").ok).toBe(true);
    expect(limiter.tryTrigger("o/r", "a").ok).toBe(true);
    expect(limiter.tryTrigger("o/r", "a")).toMatchObject({ ok: false, scope: "user" });
    expect(limiter.tryTrigger("o/r", "b").ok).toBe(true);
    expect(limiter.tryTrigger("o/r", "c")).toMatchObject({ ok: false, scope: "repo" });
    now += 3_600_001;
    expect(limiter.tryTrigger("o/r", "a").ok).toBe(true);
    expect(limiter.shouldRefuse("o/r", "x")).toBe(true);
    expect(limiter.shouldRefuse("o/r", "x")).toBe(false);
  });
});

describe("explainFailure", () => {
  it("explains a workflow-permission push refusal and a ruleset (GH013) refusal", () => {
    const workflow = new AppError("workspace/push", "push failed", {
      cause: new Error("refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission"),
    });
    expect(explainFailure(workflow).message).toMatch(/workflows\*\* permission/);
    expect(explainFailure(new Error("remote: error: GH013: Repository rule violations found")).message).toMatch(/repository rule/);
  });
  it("never shows internal messages or secrets", () => {
    const e = new Error("TypeError at foo.ts:12 token ghs_abcdefghijklmnopqrstuvwxyz0123456789");
    const { message } = explainFailure(e);
    expect(message).not.toContain("foo.ts");
    expect(message).not.toContain("ghs_");
  });
});

describe("pull request body", () => {
  const base = {
    issueNumber: 4,
    summary: "Fixed it. Also fixes #9, thanks @bob",
    changedFiles: ["a.ts"],
    configChanges: [],
    testsRun: [{ command: "npm test", exitCode: 0 }],
    secrets: [],
    marker: { issue: 4 },
  };
  it("has summary, changes, tests, Closes #n and the marker; foreign closing keywords and mentions are neutralized", () => {
    const body = formatPullRequestBody({ ...base, template: null });
    expect(body).toMatch(/## Summary[\s\S]*## Changes[\s\S]*`a.ts`[\s\S]*## Tests[\s\S]*npm test[\s\S]*Closes #4/);
    expect(body).not.toMatch(/\bfixes #9/);
    expect(body).not.toMatch(/(^|\s)@bob/);
    expect(body).toMatch(/<!-- issue-agent:pr [A-Za-z0-9_-]+ -->$/);
  });
  it("follows the repository's PR template and lists config changes prominently", () => {
    const template = "## Description\n<!-- describe -->\n\n## How was this tested?\n\n## Checklist\n- [ ] docs\n";
    const body = formatPullRequestBody({ ...base, configChanges: [".github/workflows/ci.yml"], template });
    expect(body).toMatch(/^> \[!WARNING\][\s\S]*\.github\/workflows\/ci\.yml/);
    expect(body).toMatch(/## Description\n\nFixed it[\s\S]*## How was this tested\?\n\n- `npm test`[\s\S]*## Checklist\n\n- \[ \] docs/);
    expect(body).not.toContain("<!-- describe -->");
  });
  it("opens with a warning block listing every changed file that CI or tooling executes", () => {
    const changed = [
      "src/a.ts",
      "package.json",
      "packages/web/vitest.config.ts",
      "Makefile",
      "tests/conftest.py",
      ".npmrc",
      "crates/x/build.rs",
      "setup.py",
      ".devcontainer/devcontainer.json",
      ".vscode/tasks.json",
      "README.md",
    ];
    const body = formatPullRequestBody({ ...base, changedFiles: changed, executedChanges: executedChangesIn(changed), template: null });
    const block = body.split("\n\n")[0] ?? "";
    expect(body.startsWith("> [!WARNING]")).toBe(true);
    for (const f of changed.slice(1, -1)) expect(block).toContain(`\`${f}\``);
    expect(block).not.toContain("src/a.ts");
    expect(block).not.toContain("README.md");
    expect(block).toContain("`package.json`: package manifest (its scripts and hooks run on install, build and test)");
  });
  it("has no warning block when nothing executed changed", () => {
    expect(formatPullRequestBody({ ...base, executedChanges: executedChangesIn(["src/a.ts", "docs/x.md"]), template: null })).not.toContain("[!WARNING]");
  });
  it.each([
    ["package.json", "package manifest"],
    ["apps/api/pyproject.toml", "package manifest"],
    ["yarn.lock", "lockfile"],
    ["GNUmakefile", "build script"],
    ["tools/ci.mk", "build script"],
    ["Dockerfile.dev", "build script"],
    ["jest.config.mjs", "test configuration"],
    ["pytest.ini", "test configuration"],
    [".yarnrc.yml", "package-manager or tool dotfile"],
    [".envrc", "package-manager or tool dotfile"],
    [".pre-commit-config.yaml", "package-manager or tool dotfile"],
    [".devcontainer.json", "devcontainer"],
    [".vscode/launch.json", "editor task"],
  ])("%s is a %s", (path, kind) => {
    expect(executedChangesIn([path])).toEqual([expect.objectContaining({ path, kind })]);
  });
  it.each(["src/package.ts", "docs/Makefile.md", "README.md", "src/conftest_helpers.py"])("%s is not executed by tooling", (path) => {
    expect(executedChangesIn([path])).toEqual([]);
  });
  it("titles and branch slugs are single-line and safe", () => {
    expect(formatTitle("Fix @team\nsecond line", "x")).toBe("Fix @\u200Bteam");
    expect(slugify("Crash when `rm -rf /`; run $(curl x)!")).toBe("crash-when-rm-rf-run-curl-x");
  });
});

describe("follow-up commits on the app's own pull request", () => {
  it("add the executed files they change to the warning block at the top, keeping the ones listed before", () => {
    const first = mergeExecutedWarning("## Summary\n\nDid it.", executedChangesIn(["package.json"]), []);
    expect(first).toMatch(/^> \[!WARNING\][\s\S]*`package\.json`[\s\S]*\n\n## Summary\n\nDid it\.$/);
    const second = mergeExecutedWarning(first, executedChangesIn(["package.json", "Makefile"]), [".github/workflows/ci.yml"]);
    expect(second.match(/`package\.json`/g)).toHaveLength(1);
    expect(second).toMatch(
      /^> \[!WARNING\][^\n]*\n[^\n]*\n> - `package\.json`[^\n]*\n> - `\.github\/workflows\/ci\.yml`[^\n]*\n> - `Makefile`[^\n]*\n\n## Summary/,
    );
    expect(mergeExecutedWarning("body", executedChangesIn(["src/a.ts"]), [])).toBe("body");
  });
});
