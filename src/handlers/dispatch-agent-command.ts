/**
 * What a parsed slash command does, shared by issue comments and review comments: stop, help,
 * steering, and starting resolve-issue or fix-pr runs. Called only after the sender passed the gate.
 */
import type { Logger } from "pino";
import { formatCommandHelp, type SlashCommand } from "../commands/parse-slash-command.js";
import type { EffectiveConfig } from "../config/repo-config.js";
import { chooseRunModel } from "../config/run-model.js";
import { fenceFor, outboundCode } from "../shared/format-outbound.js";
import { renderMarker } from "../github/markers.js";
import type { RepoGitHub, RepoReactionTarget } from "../github/repo-github.js";
import { issueSnapshotOf, jobKey, requestJob } from "../tasks/job-payloads.js";
import { startRun, type HandlerDeps } from "./trigger-flow.js";

export interface CommandTarget {
  owner: string;
  repo: string;
  repoId: number;
  cloneUrl: string;
  defaultBranch: string;
  installationId: number;
  number: number;
  isPullRequest: boolean;
  requester: { login: string; id: number };
  /** GitHub's `created_at` of the command comment: what the edit filter compares with (THREATS A5). */
  triggerAt: string;
  deliveryId: string;
  reaction: RepoReactionTarget;
  /** Issue title and body at trigger time (issue comments carry them). */
  issue?: { title: string; body?: string | null };
  /** The PR head when the payload carries it (review comments); else looked up for `review`. */
  headSha?: string;
  /** Set when the comment is an inline review comment: replies go into its thread. */
  reviewComment?: { id: number; inReplyTo: number };
}

/** Post the app's own reply; `body` is app text whose untrusted pieces are already escaped. */
async function reply(gh: RepoGitHub, t: CommandTarget, body: string): Promise<void> {
  if (t.reviewComment) {
    await gh.replyInReviewThread(t.number, t.reviewComment.inReplyTo, body);
    return;
  }
  await gh.postComment(t.number, `${body}\n\n${renderMarker("notice", { kind: "reply" })}`);
}

function formatHelp(config: EffectiveConfig, unknown?: string): string {
  const prefix = config.trigger.commandPrefix;
  const effective = {
    trigger: config.trigger,
    model: config.model,
    sandbox: { mode: config.sandbox.mode, network: config.sandbox.network, testCommand: config.sandbox.testCommand ?? null },
    limits: config.limits,
    pullRequest: config.pullRequest,
    autofix: config.autofix,
  };
  const json = JSON.stringify(effective, null, 2);
  const fence = fenceFor(json);
  return [
    unknown
      ? `Unknown command ${outboundCode(`${prefix} ${unknown.trim().split(/\s/)[0]?.slice(0, 40) ?? ""}`)}. Nothing is running here to hand the message to.`
      : "**issue-agent commands**",
    "",
    formatCommandHelp(prefix),
    "",
    `<details><summary>Effective configuration</summary>`,
    "",
    `${fence}json`,
    json,
    fence,
    ...(config.clamped.length > 0 ? ["", "Operator caps applied:", ...config.clamped.map((c) => `- ${c}`)] : []),
    "",
    "</details>",
  ].join("\n");
}

export async function runSlashCommand(
  gh: RepoGitHub,
  deps: HandlerDeps,
  config: EffectiveConfig,
  t: CommandTarget,
  command: SlashCommand,
  log: Logger,
): Promise<void> {
  const key = jobKey(t.owner, t.repo, t.number);
  switch (command.kind) {
    case "stop": {
      const cancelled = await deps.queue.cancel(key);
      await reply(gh, t, cancelled > 0 ? `Stopping ${cancelled} run(s) here.` : "Nothing is running here.");
      return;
    }
    case "help":
      await reply(gh, t, formatHelp(config));
      return;
    case "message": {
      if (await deps.queue.steer(key, command.text)) {
        await gh.addEyesReaction(t.reaction).catch((error: unknown) => log.warn({ err: error }, "could not add the reaction"));
        log.info({ key }, "steering message handed to the running job");
        return;
      }
      await reply(gh, t, formatHelp(config, command.text));
      return;
    }
    case "review": {
      if (!t.isPullRequest) {
        await reply(gh, t, "`review` works on pull requests only.");
        return;
      }
      const headSha = t.headSha ?? (await gh.getPullRequestHead(t.number)).headSha;
      await deps.queue.enqueue(
        requestJob(
          "security-review",
          {
            installationId: t.installationId,
            owner: t.owner,
            repo: t.repo,
            repoId: t.repoId,
            prNumber: t.number,
            headSha,
            trigger: "command",
            requester: t.requester,
          },
          t.deliveryId,
        ),
      );
      await gh.addEyesReaction(t.reaction).catch((error: unknown) => log.warn({ err: error }, "could not add the reaction"));
      return;
    }
    case "fix": {
      let model: string | undefined;
      if (command.model !== undefined) {
        const choice = chooseRunModel(command.model, deps.env);
        if (!choice.ok) {
          await reply(gh, t, choice.reason);
          return;
        }
        model = choice.model;
      }
      await startFix(gh, deps, t, command.text, key, log, model);
      return;
    }
  }
}

async function startFix(
  gh: RepoGitHub,
  deps: HandlerDeps,
  t: CommandTarget,
  instruction: string,
  key: string,
  log: Logger,
  model: string | undefined,
): Promise<void> {
  const common = {
    ...(model ? { model } : {}),
    installationId: t.installationId,
    owner: t.owner,
    repo: t.repo,
    repoId: t.repoId,
    cloneUrl: t.cloneUrl,
    requester: t.requester,
    triggerAt: t.triggerAt,
    instruction,
  };
  if (!t.isPullRequest) {
    await startRun(
      gh,
      deps,
      {
        kind: "resolve-issue",
        key,
        deliveryId: t.deliveryId,
        title: `resolving issue #${t.number}`,
        reaction: t.reaction,
        statusTarget: { type: "issue", number: t.number },
        payload: (status) => ({
          ...common,
          status,
          issueNumber: t.number,
          defaultBranch: t.defaultBranch,
          ...(t.issue ? { issueSnapshot: issueSnapshotOf(t.issue) } : {}),
        }),
      },
      log,
    );
    return;
  }
  const thread = t.reviewComment;
  await startRun(
    gh,
    deps,
    {
      kind: "fix-pr",
      key,
      deliveryId: t.deliveryId,
      title: thread ? `fixing this review thread` : `fixing pull request #${t.number}`,
      reaction: t.reaction,
      statusTarget: thread ? { type: "review-thread", pullNumber: t.number, inReplyTo: thread.inReplyTo } : { type: "issue", number: t.number },
      payload: (status) => ({
        ...common,
        status,
        prNumber: t.number,
        ...(thread ? { reviewCommentId: thread.id } : {}),
        ...(t.issue ? { prSnapshot: { body: issueSnapshotOf(t.issue).body } } : {}),
      }),
    },
    log,
  );
}
