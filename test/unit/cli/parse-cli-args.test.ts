import { describe, expect, it } from "vitest";
import { parseCliArgs, UsageError } from "../../../src/cli/parse-cli-args.js";

function usageMessage(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected a usage error for ${argv.join(" ")}`);
}

describe("parseCliArgs", () => {
  it("parses a run with every flag", () => {
    const cmd = parseCliArgs([
      "run",
      "fix the bug",
      "--repo",
      "x",
      "--model",
      "m",
      "--wire",
      "chat",
      "--sandbox",
      "read-only",
      "--max-turns",
      "7",
      "--max-usd",
      "0.5",
      "--compaction",
      "aggressive",
      "--json",
      "--branch",
      "fix/x",
      "--commit",
      "--network",
      "registry.npmjs.org, *.pypi.org:443",
      "--skip-setup",
    ]);
    expect(cmd).toEqual({
      kind: "run",
      options: {
        task: "fix the bug",
        taskFile: undefined,
        repo: "x",
        model: "m",
        wire: "chat",
        sandbox: "read-only",
        maxTurns: 7,
        maxUsd: 0.5,
        compaction: "aggressive",
        json: true,
        branch: "fix/x",
        commit: true,
        network: ["registry.npmjs.org", "*.pypi.org:443"],
        skipSetup: true,
      },
    });
  });

  it("defaults the repo to the current directory and reads --task-file", () => {
    const cmd = parseCliArgs(["run", "-f", "-"]);
    expect(cmd).toMatchObject({
      kind: "run",
      options: { task: undefined, taskFile: "-", repo: ".", json: false, commit: false, network: undefined, skipSetup: false, transcript: undefined },
    });
    expect(parseCliArgs(["run", "a", "--network", "off"])).toMatchObject({ options: { network: [] } });
  });

  it.each([
    [["run"], "run needs a task"],
    [["run", "a", "b"], "run takes one task argument"],
    [["run", "a", "--task-file", "f"], "either as an argument or with --task-file"],
    [["run", "a", "--wire", "grpc"], '--wire must be one of responses, chat, got "grpc"'],
    [["run", "a", "--sandbox", "yolo"], "--sandbox must be one of read-only, workspace-write, danger-full-access"],
    [["run", "a", "--max-turns", "0"], "--max-turns must be a whole number"],
    [["run", "a", "--max-usd=-1"], "--max-usd must be a positive number"],
    [["run", "a", "--commit"], "--commit needs --branch"],
    [["run", "a", "--branch", "x"], "--branch needs --commit"],
    [["run", "a", "--bogus"], "Unknown option '--bogus'"],
    [["run", "a", "--network", "https://evil.example/"], "--network takes host names separated by commas"],
    [["run", "a", "--network", ","], "--network takes host names separated by commas"],
    [["review", "--json", "--sarif"], "choose one of --json and --sarif"],
    [["deploy"], 'unknown command "deploy"'],
  ])("rejects %j", (argv, message) => {
    expect(usageMessage(argv)).toContain(message);
  });

  it("recognises help and version in their usual spellings", () => {
    expect(parseCliArgs([])).toEqual({ kind: "help", topic: undefined });
    expect(parseCliArgs(["--help"])).toEqual({ kind: "help", topic: undefined });
    expect(parseCliArgs(["help", "review"])).toEqual({ kind: "help", topic: "review" });
    expect(parseCliArgs(["run", "--help"])).toEqual({ kind: "help", topic: "run" });
    expect(parseCliArgs(["--version"])).toEqual({ kind: "version" });
  });

  it("parses review options", () => {
    expect(parseCliArgs(["review", "--base", "develop", "--sarif", "--no-model"])).toEqual({
      kind: "review",
      options: { base: "develop", repo: ".", model: undefined, wire: undefined, noModel: true, format: "sarif" },
    });
  });
});
