/**
 * Optional autofix (config `autofix.enabled`, off by default): a check run that failed on a pull
 * request this app opened starts a fix-pr run with the check's output, at most
 * `autofix.maxAttempts` times per PR (counted from the status comments' markers, so the count
 * survives restarts and lives on GitHub).
 */
import type { Context } from "probot";
import { findMarker } from "../github/markers.js";
import { jobKey } from "../tasks/job-payloads.js";
import { loadTriggerConfig, repoGitHub, startRun, type HandlerDeps } from "./trigger-flow.js";

const FAILED = new Set(["failure", "timed_out"]);

export function handleCheckRunCompleted(deps: HandlerDeps) {
  return async (context: Context<"check_run.completed">): Promise<void> => {
    const { payload, octokit } = context;
    const { check_run: check, repository } = payload;
    const installationId = payload.installation?.id;
    const prRef = check.pull_requests[0];
    if (installationId === undefined || !prRef || !FAILED.has(check.conclusion ?? "")) return;
    const ref = { owner: repository.owner.login, repo: repository.name, number: prRef.number };
    const gh = repoGitHub(octokit, deps, ref);
    // Autofix follows only the app's own PRs: off until the app knows who it is.
    if (!gh.botLogin) return;
    if (gh.isOwnApp(check.app)) return; // our own checks (security review) never loop into fixes
    const log = context.log.child({ delivery: context.id, repo: `${ref.owner}/${ref.repo}`, pr: ref.number, check: check.name });
    const loaded = await loadTriggerConfig(gh, deps, installationId);
    if (!loaded.ok || !loaded.config.autofix.enabled) return;
    const pr = await gh.getPullRequestHead(ref.number);
    if (pr.state !== "open" || !gh.isSelf(pr.author) || !pr.headRef.startsWith(loaded.config.branch.prefix)) return;
    if (pr.headSha !== check.head_sha) return; // an older commit's check: the branch moved on
    const comments = await gh.listIssueComments(ref.number);
    const attempts = comments.filter((c) => gh.isSelf(c.user) && findMarker(c.body, "status")?.autofix === true).length;
    if (attempts >= loaded.config.autofix.maxAttempts) {
      log.info({ attempts }, "autofix attempts exhausted");
      return;
    }
    // Automatic work pauses before what people ask for when the installation's quota runs low.
    if (deps.quota?.isLow(installationId)) {
      deps.metrics?.automaticSkipped.inc({ kind: "fix-pr", reason: "quota" });
      log.warn("autofix not started: the installation's API quota is low");
      return;
    }
    if (!deps.limiter.tryTrigger(`${ref.owner}/${ref.repo}`, "autofix").ok) return;
    const summary = [check.output?.title, check.output?.summary, check.output?.text].filter(Boolean).join("\n\n").slice(0, 20_000);
    await startRun(
      gh,
      deps,
      {
        kind: "fix-pr",
        key: jobKey(ref.owner, ref.repo, ref.number),
        deliveryId: context.id,
        title: `fixing the failing check "${check.name}" (attempt ${attempts + 1} of ${loaded.config.autofix.maxAttempts})`,
        reaction: { type: "issue", number: ref.number },
        statusTarget: { type: "issue", number: ref.number },
        marker: { autofix: true },
        payload: (status) => ({
          installationId,
          owner: ref.owner,
          repo: ref.repo,
          repoId: repository.id,
          cloneUrl: repository.clone_url,
          requester: { login: payload.sender.login, id: payload.sender.id },
          triggerAt: check.completed_at ?? new Date().toISOString(),
          instruction: `The check "${check.name}" failed on this pull request. Make it pass.`,
          status,
          prNumber: ref.number,
          // For GitHub Actions the check run id is the job id, whose log the task reads.
          checkRun: { name: check.name, summary, headSha: check.head_sha, ...(check.app?.slug === "github-actions" ? { actionsJobId: check.id } : {}) },
        }),
      },
      log,
    );
  };
}
