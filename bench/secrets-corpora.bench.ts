/**
 * Secret scan on other scanners' test suites (gitleaks' rule examples, secretlint's snapshots),
 * kept outside the repository in ../shared/benchmarks/secrets/ (see its README). Each entry is
 * scanned as a new file in a diff through scanDiffForSecrets, the function the security review and
 * the pre-push check both call, and scored by that folder's score.mjs. Skips when absent.
 *
 *   npm run bench secrets-corpora            # last score.mjs line per corpus
 *   SECRETS_BENCH_VERBOSE=1 npm run bench secrets-corpora   # plus misses and false alarms (masked)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { scanDiffForSecrets } from "../src/review/scan-secrets.js";

interface Entry {
  group: string;
  label: "tp" | "fp";
  path: string;
  content: string;
  origin: string;
}

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = process.env.SECRETS_BENCH_DIR ?? path.resolve(repo, "../shared/benchmarks/secrets");
const verbose = process.env.SECRETS_BENCH_VERBOSE === "1";

/** The entry as a diff that adds the whole file, as a PR or the agent's own commit would. */
export function entryDiff(e: Pick<Entry, "path" | "content">): string {
  const lines = e.content.split("\n");
  return `diff --git a/${e.path} b/${e.path}\nnew file mode 100644\n--- /dev/null\n+++ b/${e.path}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join("\n")}\n`;
}

if (!existsSync(path.join(dir, "score.mjs"))) {
  console.log(`secret corpora not found in ${dir}: skipped (see the issue's ../shared/benchmarks/secrets/)`);
  process.exit(0);
}

const work = mkdtempSync(path.join(tmpdir(), "secrets-bench-"));
try {
  for (const name of ["gitleaks.json", "secretlint.json"]) {
    const file = path.join(dir, name);
    if (!existsSync(file)) {
      console.log(`${name}: not found, skipped`);
      continue;
    }
    const { entries } = JSON.parse(readFileSync(file, "utf8")) as { entries: Entry[] };
    const results: { line: number; rule?: string }[][] = [];
    const t0 = performance.now();
    for (const e of entries) {
      const found = await scanDiffForSecrets(entryDiff(e));
      results.push(found.map((f) => ({ line: f.line, ...(f.ruleId ? { rule: f.ruleId } : {}) })));
    }
    const ms = performance.now() - t0;
    const out = path.join(work, `${name}.results.json`);
    writeFileSync(out, JSON.stringify(results));
    const scored = spawnSync(process.execPath, [path.join(dir, "score.mjs"), file, out], { encoding: "utf8" });
    const lines = scored.stdout.trim().split("\n");
    if (verbose) {
      console.log(lines.slice(0, -1).join("\n"));
      entries.forEach((e, i) => {
        const hit = (results[i]?.length ?? 0) > 0;
        if (e.label === "tp" && !hit) console.log(`  missed #${i} ${e.group} ${e.path}`);
        if (e.label === "fp" && hit) console.log(`  false alarm #${i} ${e.group} ${e.path} rules=${results[i]?.map((r) => r.rule).join(",")}`);
      });
    }
    console.log(`${name} (${entries.length} entries, ${(ms / entries.length).toFixed(2)} ms/entry): ${lines.at(-1)}`);
    if (scored.status !== 0) process.exitCode = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
