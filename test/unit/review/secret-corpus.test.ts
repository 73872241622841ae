import { describe, expect, it } from "vitest";
import { scanDiffForSecrets } from "../../../src/review/scan-secrets.js";
import { loadSecretCorpus, scoreCorpus } from "./corpus.js";

const corpus = loadSecretCorpus();

/** Every secret-looking value of the corpus positives: the literal tokens on the expected lines. */
function secretValues(): string[] {
  const out: string[] = [];
  for (const c of corpus.positives) {
    const lines = c.content.split("\n");
    for (const n of c.lines ?? []) for (const m of (lines[n - 1] ?? "").matchAll(/[A-Za-z0-9_+/=.-]{24,}/g)) out.push(m[0]);
  }
  return out;
}

describe("secret scan on the corpus", () => {
  it("covers at least 30 credential formats and a look-alike set", () => {
    expect(corpus.positives.length).toBeGreaterThanOrEqual(30);
    expect(corpus.negatives.length).toBeGreaterThanOrEqual(25);
  });

  it("finds every planted secret on its exact line, with recall and precision above the bar", async () => {
    const score = await scoreCorpus(corpus);
    expect(score.missed).toEqual([]);
    expect(score.falsePositives).toEqual([]);
    expect(score.recall).toBeGreaterThanOrEqual(0.95);
    expect(score.precision).toBeGreaterThanOrEqual(0.95);
  });

  it("beats secretlint's recommended preset alone (which misses many formats)", async () => {
    const alone = await scoreCorpus(corpus, { ownRules: false });
    const combined = await scoreCorpus(corpus);
    expect(alone.recall).toBeLessThan(0.7);
    expect(combined.recall).toBeGreaterThan(alone.recall);
  });

  it.each(corpus.negatives.map((c) => [c.id, c] as const))("stays quiet on look-alike %s", async (_id, c) => {
    const diff = `diff --git a/${c.path} b/${c.path}\nnew file mode 100644\n--- /dev/null\n+++ b/${c.path}\n@@ -0,0 +1,${c.content.split("\n").length} @@\n${c.content
      .split("\n")
      .map((l) => `+${l}`)
      .join("\n")}\n`;
    expect(await scanDiffForSecrets(diff)).toEqual([]);
  });

  it("never puts a full secret in a finding", async () => {
    const score = await scoreCorpus(corpus);
    const text = JSON.stringify([...score.findings.values()]);
    for (const secret of secretValues()) expect(text).not.toContain(secret);
    expect(text).toContain("…(");
  });

  it("finds secrets only on added lines of a diff, with RIGHT-side line numbers", async () => {
    const diff = [
      "diff --git a/src/app.ts b/src/app.ts",
      "--- a/src/app.ts",
      "+++ b/src/app.ts",
      "@@ -10,4 +10,5 @@ export function main() {",
      " const a = 1;",
      '-const old = "ghp_0123456789abcdefghijABCDEFGHIJ012345";',
      '+const token = "ghp_Zq8vN2kR5tW1yB4mC7xE0aD3fG6hJ9lP2sU5";',
      " const b = 2;",
      '+const key = "AKIAZ7QW3ERT5YUI2OPA";',
      " const c = 3;",
      "",
    ].join("\n");
    const found = await scanDiffForSecrets(diff);
    expect(found.map((f) => [f.path, f.line, f.side, f.cwe, f.source])).toEqual([
      ["src/app.ts", 11, "RIGHT", "CWE-798", "secrets"],
      ["src/app.ts", 13, "RIGHT", "CWE-798", "secrets"],
    ]);
    expect(found[0]?.severity).toBe("critical");
  });

  it("keeps a fingerprint stable when the line moves and different for a different secret", async () => {
    const mk = (start: number, value: string) => `--- a/x.py\n+++ b/x.py\n@@ -${start},0 +${start},1 @@\n+API_TOKEN = "${value}"\n`;
    const [a] = await scanDiffForSecrets(mk(3, "q8Vn2kR5tW1yB4mC7xE0aD3fG6hJ9lP2"));
    const [b] = await scanDiffForSecrets(mk(40, "q8Vn2kR5tW1yB4mC7xE0aD3fG6hJ9lP2"));
    const [c] = await scanDiffForSecrets(mk(3, "Zz9yX8wV7uT6sR5qP4oN3mL2kJ1iH0gF"));
    expect(a?.fingerprint).toBe(b?.fingerprint);
    expect(a?.fingerprint).not.toBe(c?.fingerprint);
  });

  it("does not flag a PEM header that is only a format check, but flags one followed by key material", async () => {
    const check = `+++ b/a.ts\n@@ -1,0 +1,1 @@\n+if (!pem.includes("-----BEGIN RSA PRIVATE KEY-----")) throw new Error("bad key");\n`;
    expect(await scanDiffForSecrets(`--- a/a.ts\n${check}`)).toEqual([]);
    const key = `--- /dev/null\n+++ b/k.pem\n@@ -0,0 +1,3 @@\n+-----BEGIN RSA PRIVATE KEY-----\n+${"MIIEowIBAAKCAQEA1x2y3z4".repeat(3)}\n+-----END RSA PRIVATE KEY-----\n`;
    const found = await scanDiffForSecrets(key);
    expect(found.map((f) => f.line)).toEqual([1]);
  });
});
