/** One sentence for the paths a snapshot refused, grouped by reason (names already display-safe). */
import type { RefusedPath, RefusalReason } from "./snapshot-work-tree.js";

const LABELS: Record<RefusalReason, string> = {
  "git-metadata": "git metadata",
  "special-file": "special files (FIFOs, sockets or devices)",
  "control-characters": "file names with control characters",
  "invalid-utf8": "file names that are not valid UTF-8",
  "too-large": "files over the size cap",
  unreadable: "files that changed while they were read",
};

export function describeRefusals(refused: readonly RefusedPath[]): string {
  const groups = new Map<RefusalReason, string[]>();
  for (const r of refused) groups.set(r.reason, [...(groups.get(r.reason) ?? []), r.path]);
  return [...groups]
    .map(([reason, paths]) => `${LABELS[reason]} (${paths.slice(0, 20).join(", ")}${paths.length > 20 ? `, and ${paths.length - 20} more` : ""})`)
    .join(" and ");
}
