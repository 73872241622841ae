/**
 * `issue-agent`: the agent and the security review on a local checkout, no GitHub needed.
 * `main` takes argv and the outside world as arguments and returns the exit code, so tests run
 * it in-process; bin/issue-agent.js is the only place that touches `process`.
 */
import type { CliIo } from "./cli/cli-io.js";
import { createLocalGit } from "./cli/create-local-git.js";
import { EXIT } from "./cli/exit-codes.js";
import { formatHelp, getVersion } from "./cli/format-help.js";
import { parseCliArgs, UsageError, type CliCommand } from "./cli/parse-cli-args.js";
import { runReviewCommand, type ReviewDeps } from "./cli/review-command.js";
import { runRunCommand, type RunDeps } from "./cli/local-run-command.js";

export type { CliIo } from "./cli/cli-io.js";
export { EXIT } from "./cli/exit-codes.js";

export type CliDeps = RunDeps & ReviewDeps;

/**
 * The real agent, sandbox and review. Imported lazily so `--help` and usage errors answer at
 * once, without loading the model client and everything behind it.
 */
export async function defaultCliDeps(env: Readonly<Record<string, string | undefined>> = {}): Promise<CliDeps> {
  const [{ runAgent }, { checkSandboxAvailable, createSandbox }, { reviewLocal }] = await Promise.all([
    import("./agent/index.js"),
    import("./sandbox/index.js"),
    import("./cli/review-local.js"),
  ]);
  return {
    runAgent: (input) => runAgent(input),
    createSandbox,
    checkSandbox: () => checkSandboxAvailable(),
    git: createLocalGit({ env }),
    review: reviewLocal,
  };
}

export async function main(argv: readonly string[], io: CliIo, deps?: CliDeps): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const helpHint = error.command ? `issue-agent ${error.command} --help` : "issue-agent --help";
    io.stderr.write(`issue-agent: ${error.message}\nRun "${helpHint}" for usage.\n`);
    return EXIT.usage;
  }
  switch (command.kind) {
    case "help":
      io.stdout.write(formatHelp(command.topic));
      return EXIT.ok;
    case "version":
      io.stdout.write(`${getVersion()}\n`);
      return EXIT.ok;
    case "run":
      return runRunCommand(command.options, io, deps ?? (await defaultCliDeps(io.env)));
    case "review":
      return runReviewCommand(command.options, io, deps ?? (await defaultCliDeps(io.env)));
  }
}
