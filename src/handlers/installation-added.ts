/**
 * `installation.created` and `installation_repositories.added`: create the trigger label (agent.yml's
 * `trigger.label`, else `agent`) in every repository the app was given, so nobody has to make it by
 * hand before the first run. At most 100 repositories per delivery; the rest get theirs on first use.
 */
import type { Context } from "probot";
import { TOKEN_SCOPES } from "../github/token-scopes.js";
import { loadTriggerConfig, repoGitHub, type HandlerDeps } from "./trigger-flow.js";

const MAX_REPOSITORIES = 100;

type InstallationContext = Context<"installation.created"> | Context<"installation_repositories.added">;

export function handleInstallationAdded(deps: Pick<HandlerDeps, "env" | "github" | "configCache">) {
  return async (context: InstallationContext): Promise<void> => {
    const { payload } = context;
    const repositories = "repositories_added" in payload ? payload.repositories_added : (payload.repositories ?? []);
    const owner = payload.installation.account && "login" in payload.installation.account ? payload.installation.account.login : undefined;
    if (!owner) return;
    const log = context.log.child({ delivery: context.id, installation: payload.installation.id });
    let created = 0;
    for (const { id: repoId, name: repo } of repositories.slice(0, MAX_REPOSITORIES)) {
      try {
        // One repository's labels at a time: a token for that repository, issues:write.
        const gh = deps.github
          ? await deps.github.forRepo(payload.installation.id, TOKEN_SCOPES.labels(repoId), { owner, repo })
          : repoGitHub(context.octokit, deps, { owner, repo });
        const loaded = await loadTriggerConfig(gh, deps, payload.installation.id);
        const label = loaded.ok ? loaded.config.trigger.label : "agent";
        if ((await gh.ensureLabel(label)) === "created") created++;
      } catch (error) {
        log.warn({ err: error, repo: `${owner}/${repo}` }, "could not create the trigger label; it is created again on first use");
      }
    }
    log.info({ repositories: repositories.length, labelsCreated: created }, "installed: trigger labels ensured");
  };
}
