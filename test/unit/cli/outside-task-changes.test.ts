import { describe, expect, it } from "vitest";
import { outsideTaskChanges } from "../../../src/cli/outside-task-changes.js";

describe("outsideTaskChanges", () => {
  it("names hooks, git config, CI, agent and editor configuration, and the repo's own configured git paths", () => {
    const changed = [
      "src/add.mjs",
      ".husky/pre-commit",
      ".githooks/post-checkout",
      ".gitconfig",
      "sub/.gitattributes",
      ".github/workflows/ci.yml",
      "AGENTS.md",
      ".vscode/tasks.json",
      ".envrc",
      "tools/hooks/pre-push",
      "README.md",
      ".github/agent.yml",
    ];
    expect(outsideTaskChanges("/r", changed, ["/r/tools/hooks", "/r/.git/config", "/elsewhere/x"])).toEqual([
      ".husky/pre-commit",
      ".githooks/post-checkout",
      ".gitconfig",
      "sub/.gitattributes",
      ".github/workflows/ci.yml",
      "AGENTS.md",
      ".vscode/tasks.json",
      ".envrc",
      "tools/hooks/pre-push",
      ".github/agent.yml",
    ]);
  });
});
