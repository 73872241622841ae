/**
 * Daily spend per repository and per installation against the operator's caps
 * (AGENT_MAX_USD_PER_REPO_PER_DAY, AGENT_MAX_USD_PER_INSTALLATION_PER_DAY). Per worker process and
 * in memory: a cap is a brake on runaway cost, not an accounting system.
 */
export interface SpendLedger {
  /** A user-facing reason when a cap is reached, else null. */
  check(repo: string, installationId: number): string | null;
  record(repo: string, installationId: number, usd: number): void;
}

export function createSpendLedger(caps: { perRepoPerDay?: number | undefined; perInstallationPerDay?: number | undefined }, now: () => number = Date.now): SpendLedger {
  const spent = new Map<string, number>();
  const day = () => new Date(now()).toISOString().slice(0, 10);
  const get = (k: string) => spent.get(`${day()}:${k}`) ?? 0;
  return {
    check(repo, installationId) {
      if (caps.perRepoPerDay !== undefined && get(`r:${repo.toLowerCase()}`) >= caps.perRepoPerDay) {
        return `This repository reached today's model spending cap ($${caps.perRepoPerDay.toFixed(2)}). Runs resume tomorrow (UTC); the operator can raise AGENT_MAX_USD_PER_REPO_PER_DAY.`;
      }
      if (caps.perInstallationPerDay !== undefined && get(`i:${installationId}`) >= caps.perInstallationPerDay) {
        return `This installation reached today's model spending cap ($${caps.perInstallationPerDay.toFixed(2)}). Runs resume tomorrow (UTC).`;
      }
      return null;
    },
    record(repo, installationId, usd) {
      for (const k of [`r:${repo.toLowerCase()}`, `i:${installationId}`]) spent.set(`${day()}:${k}`, get(k) + usd);
    },
  };
}
