/**
 * Secret scan measured on other scanners' test suites (gitleaks' rule examples, secretlint's rule
 * snapshots), kept outside the repository in ../shared/benchmarks/secrets/ (see its README; they
 * are for measuring, never copied into fixtures). Each entry is scanned as a new file in a diff
 * through scanDiffForSecrets, the function the security review and the pre-push check both call,
 * and scored by that folder's score.mjs, whose last line is printed as is. Skips with a message when
 * the folder is absent. Also times the scan on a 5,000-line diff of configuration files, where the
 * assignment reader does the most work.
 *
 *   npm run bench secrets-corpora
 *   SECRETS_BENCH_VERBOSE=1 npm run bench secrets-corpora   # per-group misses and false alarms (no values)
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
}

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = process.env.SECRETS_BENCH_DIR ?? path.resolve(repo, "../shared/benchmarks/secrets");
const verbose = process.env.SECRETS_BENCH_VERBOSE === "1";

/** A diff that adds `content` as the new file `file`, as a PR or the agent's own commit would. */
function newFileDiff(file: string, content: string): string {
  const lines = content.split("\n");
  return `diff --git a/${file} b/${file}\nnew file mode 100644\n--- /dev/null\n+++ b/${file}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join("\n")}\n`;
}

async function scoreCorpora(): Promise<void> {
  if (!existsSync(path.join(dir, "score.mjs"))) {
    console.log(`secret corpora not found in ${dir}: skipped (they live in ../shared/benchmarks/secrets/ beside the repository)`);
    return;
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
        const found = await scanDiffForSecrets(newFileDiff(e.path, e.content));
        results.push(found.map((f) => ({ line: f.line, ...(f.ruleId ? { rule: f.ruleId } : {}) })));
      }
      const ms = performance.now() - t0;
      const out = path.join(work, `${name}.results.json`);
      writeFileSync(out, JSON.stringify(results));
      const scored = spawnSync(process.execPath, [path.join(dir, "score.mjs"), file, out, ...(verbose ? ["--verbose"] : [])], { encoding: "utf8" });
      const lines = scored.stdout.trim().split("\n");
      console.log(`${name}: ${entries.length} entries, ${(ms / entries.length).toFixed(2)} ms each`);
      if (verbose) console.log(lines.slice(0, -1).join("\n"));
      console.log(lines.at(-1));
      if (scored.status !== 0) process.exitCode = 1;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** 5,000 added lines of .env, YAML, JSON, XML, Terraform and shell: every line goes through the assignment reader. */
function configDiff(): string {
  const templates = [
    (i: number) => `SERVICE_${i}_URL=https://svc-${i}.internal:8443/api`,
    (i: number) => `  timeout_seconds_${i}: ${i % 90}`,
    (i: number) => `  "feature_${i}": { "enabled": true, "rollout": 0.${i % 10} },`,
    (i: number) => `<property name="pool.size.${i}" value="${i % 64}"/>`,
    (i: number) => `  tags = { team = "payments", index = "${i}" }`,
    (i: number) => `curl -fsS --retry 3 -H "Accept: application/json" https://status.internal/check/${i}`,
    (i: number) => `DB_PASSWORD_${i}=\${DB_PASSWORD}`,
    (i: number) => `      - name: WORKER_${i}_THREADS\n        value: "${i % 16}"`,
  ];
  const files: string[] = [];
  for (let f = 0; f < 50; f++) {
    const ext = [".env", ".yaml", ".json", ".xml", ".tf", ".sh"][f % 6];
    const lines: string[] = [];
    for (let i = 0; lines.length < 100; i++) lines.push(...(templates[(i + f) % templates.length] ?? templates[0]!)(f * 100 + i).split("\n"));
    files.push(newFileDiff(`config/service-${f}${ext}`, lines.slice(0, 100).join("\n")).trimEnd());
  }
  return `${files.join("\n")}\n`;
}

async function timeConfigDiff(): Promise<void> {
  const diff = configDiff();
  await scanDiffForSecrets(diff);
  const runs: number[] = [];
  let found = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    found = (await scanDiffForSecrets(diff)).length;
    runs.push(performance.now() - t0);
  }
  runs.sort((a, b) => a - b);
  const median = runs[2] ?? 0;
  console.log(
    `secret scan on a 5,000-line configuration diff: median ${median.toFixed(0)} ms over 5 runs, ${found} findings — target < 1000 ms: ${median < 1000 ? "OK" : "MISSED"}`,
  );
  if (median >= 1000 || found !== 0) process.exitCode = 1;
}

await scoreCorpora();
await timeConfigDiff();
