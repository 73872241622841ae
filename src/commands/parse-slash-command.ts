/**
 * Slash commands in comments: `/agent fix [text]`, `/agent stop`, `/agent help`, `/agent review`,
 * and `/agent <anything else>`, which is steering for a running job or, when nothing is running,
 * an unknown command that gets the help reply. Pure: comment body in, typed command out.
 *
 * Only a command at the very start of the comment counts, so a comment that quotes or mentions a
 * command further down (including the app's own status comments) never triggers anything.
 */
export type SlashCommand =
  /** `model`: `--model NAME` (or `--model=NAME`) right after `fix`; checked against the allowlist later. */
  { kind: "fix"; text: string; model?: string } | { kind: "stop" } | { kind: "help" } | { kind: "review" } | { kind: "message"; text: string };

const KEYWORDS = new Set(["fix", "stop", "help", "review"]);

export function parseSlashCommand(body: string, prefix = "/agent"): SlashCommand | null {
  const text = body
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .trimStart();
  if (!text.toLowerCase().startsWith(prefix.toLowerCase())) return null;
  const rest = text.slice(prefix.length);
  // `/agentfoo` is not our command; the prefix must end at whitespace or the end of the comment.
  if (rest !== "" && !/^\s/.test(rest)) return null;
  const args = rest.trim();
  const match = /^(\S+)(?:[ \t]+|\n|$)([\s\S]*)$/.exec(args);
  const word = match?.[1]?.toLowerCase() ?? "";
  const tail = (match?.[2] ?? "").trim();
  if (word === "") return { kind: "help" };
  if (!KEYWORDS.has(word)) return { kind: "message", text: args };
  switch (word) {
    case "fix": {
      const option = /^--model(?:=|[ \t]+)(\S+)(?:[ \t]+|\n|$)([\s\S]*)$/.exec(tail);
      return option ? { kind: "fix", text: (option[2] ?? "").trim(), model: option[1]! } : { kind: "fix", text: tail };
    }
    case "stop":
      return { kind: "stop" };
    case "review":
      return { kind: "review" };
    default:
      return { kind: "help" };
  }
}

/** The help text, listing the commands with the configured prefix. */
export function formatCommandHelp(prefix: string): string {
  return [
    `| Command | What it does |`,
    `| --- | --- |`,
    `| \`${prefix} fix [--model NAME] [instructions]\` | On an issue: (re)run the agent and update its pull request. On a pull request: push follow-up commits addressing the instruction and the open review threads. In a review thread: fix that thread. |`,
    `| \`${prefix} stop\` | Cancel the run working on this issue or pull request. |`,
    `| \`${prefix} review\` | Run the security review on this pull request. |`,
    `| \`${prefix} help\` | Show this help and the effective configuration. |`,
    `| \`${prefix} <message>\` | While a run is working here: hand the message to the agent. |`,
  ].join("\n");
}
