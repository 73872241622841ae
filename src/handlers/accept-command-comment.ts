/**
 * The steps every comment trigger shares, in order: ignore the app's own comments and anything not
 * starting with "/" before any API call; load the config (default branch) to learn the command
 * prefix; parse the command; then authorize the sender (refusal, rate limit). Returns what the
 * command needs, or null when the comment is not for us or the sender may not use it.
 */
import type { Logger } from "pino";
import { parseSlashCommand, type SlashCommand } from "../commands/parse-slash-command.js";
import type { EffectiveConfig } from "../config/repo-config.js";
import type { RepoGitHub, Sender } from "../github/repo-github.js";
import { gateTrigger, loadTriggerConfig, type HandlerDeps, type RepoRef } from "./trigger-flow.js";

export interface AcceptedCommand {
  command: SlashCommand;
  config: EffectiveConfig;
}

export async function acceptCommandComment(
  gh: RepoGitHub,
  deps: HandlerDeps,
  p: { ref: RepoRef; installationId: number; sender: Sender; author: Pick<Sender, "login"> | null; body: string; log: Logger },
): Promise<AcceptedCommand | null> {
  if (gh.isSelf(p.sender) || gh.isSelf(p.author)) return null;
  // Cheap pre-check before any API call: every prefix starts with "/".
  if (!p.body.trimStart().startsWith("/")) return null;
  const loaded = await loadTriggerConfig(gh, deps, p.installationId);
  const command = parseSlashCommand(p.body, loaded.ok ? loaded.config.trigger.commandPrefix : "/agent");
  if (!command) return null;
  const config = await gateTrigger(gh, deps, p.ref.number, p.sender, loaded, p.log);
  return config ? { command, config } : null;
}
