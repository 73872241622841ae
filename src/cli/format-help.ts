/** Help and version text. Kept next to the parser so the two are read together. */
import { packageInfo } from "../shared/package-info.js";

const MAIN = `issue-agent: run the issue-agent coding agent on a local checkout, no GitHub needed

Usage:
  issue-agent run "<task>" [options]     let the agent change the working tree
  issue-agent review [options]           security review of this branch against a base
  issue-agent --help | --version

Run "issue-agent run --help" or "issue-agent review --help" for the options.

Environment:
  OPENAI_API_KEY     key for the model endpoint (not needed for a local server)
  OPENAI_BASE_URL    OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (Ollama)
  AGENT_MODEL        default model (flag --model and .github/agent.yml model.name win)
  AGENT_WIRE_API     responses (default) or chat

Exit codes: 0 done, 1 failed, 2 usage or setup error, 3 budget exhausted, 4 no changes,
5 review found a finding at or above --fail-on.
`;

const RUN = `Usage: issue-agent run "<task>" [options]
       issue-agent run --task-file FILE|- [options]

Runs the agent on DIR and leaves its changes in the working tree. Settings come from
DIR/.github/agent.yml when present; flags win.

Options:
  -C, --repo DIR            repository to work on (default: .)
  -m, --model NAME          model name
      --wire API            responses | chat (chat for vLLM, Ollama, llama.cpp, OpenRouter...)
  -s, --sandbox MODE        read-only | workspace-write (default) | danger-full-access
                            (danger-full-access runs commands unsandboxed on your machine; only
                            this flag can turn it on, never agent.yml)
      --network HOSTS       let agent.yml's setup commands reach these hosts (comma-separated,
                            *.example.com for subdomains, host:port; "off" for none). The agent's
                            own commands never get network.
      --skip-setup          do not run agent.yml's setup commands
      --max-turns N         stop after N model turns
      --max-usd X           stop when the run has cost X US dollars (needs a priced model)
      --price IN,OUT[,CACHED]  the model's price in US dollars per million tokens, for models
                            the built-in table does not know (else cost shows as unknown)
      --compaction S        semantic (default) | aggressive | minimal
      --json                one JSON event per line on stdout, then a final {"type":"result"}
  -b, --branch NAME         with --commit: commit the changes on a new branch NAME
      --commit              commit the changes (needs --branch, a clean tree and index)
  -f, --task-file FILE      read the task from FILE, or from standard input with -
      --transcript FILE     write the run transcript (every tool call, output, edit, tokens) as JSON Lines
  -h, --help                this help

What the repository's .github/agent.yml can change (it may be a stranger's):
  model.*                   which model is asked and how (name, wireApi, reasoningEffort,
                            vision, contextWindow, nativeTools), on your endpoint with your key
  limits.*, compaction.*    budgets and context compaction (--max-turns, --max-usd win)
  sandbox.mode              read-only or workspace-write; never danger-full-access
  sandbox.env               non-secret variables for the sandboxed commands
  sandbox.testCommand       a hint to the agent
  sandbox.setupCommands     commands run in the sandbox before the agent, offline unless you
                            grant network (--skip-setup to not run them)
  sandbox.network           only a request: setup commands get network only for the hosts you
                            pass with --network, or confirm when asked on a terminal
                            (never in --json runs). Nothing else in agent.yml is used by run.

Your checkout's git stays yours: issue-agent reads and commits with the same code as the app
(isomorphic-git, no hooks, filters, fsmonitor or config includes run). Git hooks and config the
repository points into the work tree (.husky/, .githooks/, .gitconfig, .gitattributes, the
configured core.hooksPath and include targets) stay read-only to the agent, and the summary
lists changed files outside what the task needs (hooks, git config, CI, agent or editor
configuration). Linked worktrees and submodules work; sparse checkouts are refused.

Exit codes: 0 completed, 1 failed, 2 usage or setup error, 3 budget exhausted, 4 no changes.
`;

const REVIEW = `Usage: issue-agent review [options]

Reviews the changes of the current branch (committed and uncommitted) against a base for leaked
secrets, hidden Unicode, vulnerable dependencies and, with a model, vulnerabilities.

Options:
      --base REF            base to diff against (default: main, then master)
  -C, --repo DIR            repository (default: .)
  -m, --model NAME          model for the model review
      --wire API            responses | chat
      --no-model            deterministic checks only (no model call, no key needed)
      --json                findings as JSON
      --sarif               findings as SARIF 2.1.0 (for code scanning uploads)
      --fail-on SEVERITY    exit 5 when a finding is critical | high | medium | low or worse
  -h, --help                this help

What the repository's .github/agent.yml can change: model.*, limits.* and compaction.* (the model
review, which runs read-only and offline), review.modelReview, review.minSeverity,
review.ignorePaths and the other review.* keys; never the secret scan, which always runs. The
diff is read without running git hooks, filters or fsmonitor.

Exit codes: 0 reviewed (no finding at or above --fail-on, or no --fail-on), 1 failed,
2 usage or setup error, 5 a finding at or above --fail-on.
`;

export function formatHelp(topic: "run" | "review" | undefined): string {
  if (topic === "run") return RUN;
  if (topic === "review") return REVIEW;
  return MAIN;
}

/** The package version, read from package.json (the same file for src/ and lib/ builds). */
export function getVersion(): string {
  return packageInfo().version;
}
