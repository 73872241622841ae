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

Exit codes: 0 done, 1 failed, 2 usage or setup error, 3 budget exhausted, 4 no changes.
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
      --max-turns N         stop after N model turns
      --max-usd X           stop when the run has cost X US dollars
      --compaction S        semantic (default) | aggressive | minimal
      --json                one JSON event per line on stdout, then a final {"type":"result"}
  -b, --branch NAME         with --commit: commit the changes on a new branch NAME
      --commit              commit the changes (needs --branch)
  -f, --task-file FILE      read the task from FILE, or from standard input with -
  -h, --help                this help

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
  -h, --help                this help

Exit codes: 0 reviewed (findings or not), 1 failed, 2 usage or setup error.
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
