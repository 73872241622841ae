/**
 * Sliding-window trigger limits per user and per repository (AGENT_TRIGGERS_PER_USER_PER_HOUR,
 * AGENT_TRIGGERS_PER_REPO_PER_HOUR), and the once-per-window rule for refusal comments, so an
 * outsider spamming `/agent fix` gets one polite answer rather than one per comment. In memory:
 * per process, which is what a webhook receiver is.
 */
export interface TriggerLimiter {
  /** Count a trigger; false when the user or the repo is over its limit (then nothing is counted). */
  tryTrigger(repo: string, user: string): { ok: true } | { ok: false; scope: "user" | "repo"; retryAfterMinutes: number };
  /** True at most once per window per (repo, user): whether to post a refusal comment. */
  shouldRefuse(repo: string, user: string): boolean;
}

export function createTriggerLimiter(options: { perUserPerHour: number; perRepoPerHour: number; now?: () => number; windowMs?: number }): TriggerLimiter {
  const windowMs = options.windowMs ?? 3_600_000;
  const now = options.now ?? Date.now;
  const hits = new Map<string, number[]>();
  const refusals = new Map<string, number>();

  const recent = (key: string, t: number): number[] => {
    const list = (hits.get(key) ?? []).filter((x) => t - x < windowMs);
    hits.set(key, list);
    return list;
  };

  return {
    tryTrigger(repo, user) {
      const t = now();
      const userKey = `u:${repo.toLowerCase()}:${user.toLowerCase()}`;
      const repoKey = `r:${repo.toLowerCase()}`;
      const u = recent(userKey, t);
      const r = recent(repoKey, t);
      const minutes = (list: number[]) => Math.max(1, Math.ceil((windowMs - (t - (list[0] ?? t))) / 60_000));
      if (u.length >= options.perUserPerHour) return { ok: false, scope: "user", retryAfterMinutes: minutes(u) };
      if (r.length >= options.perRepoPerHour) return { ok: false, scope: "repo", retryAfterMinutes: minutes(r) };
      u.push(t);
      r.push(t);
      return { ok: true };
    },
    shouldRefuse(repo, user) {
      const t = now();
      const key = `${repo.toLowerCase()}:${user.toLowerCase()}`;
      const last = refusals.get(key);
      if (last !== undefined && t - last < windowMs) return false;
      refusals.set(key, t);
      return true;
    },
  };
}
