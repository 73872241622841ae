/** Shared by the corpus test and the benchmark: the secrets corpus and its recall/precision. */
import { readFileSync } from "node:fs";
import { scanLinesForSecrets, type SecretScanOptions } from "../../../src/review/scan-secrets.js";
import type { Finding } from "../../../src/review/types.js";

export interface CorpusCase {
  id: string;
  path: string;
  content: string;
  lines?: number[];
}

export interface Corpus {
  positives: CorpusCase[];
  negatives: CorpusCase[];
}

export function loadSecretCorpus(): Corpus {
  return JSON.parse(readFileSync(new URL("../../../fixtures/review/secrets/corpus.json", import.meta.url), "utf8")) as Corpus;
}

export interface CorpusScore {
  recall: number;
  precision: number;
  truePositives: number;
  expected: number;
  falsePositives: { id: string; line: number; ruleId?: string }[];
  missed: { id: string; line: number }[];
  findings: Map<string, Finding[]>;
}

export async function scoreCorpus(corpus: Corpus, options: SecretScanOptions = {}): Promise<CorpusScore> {
  let tp = 0;
  let expected = 0;
  const falsePositives: CorpusScore["falsePositives"] = [];
  const missed: CorpusScore["missed"] = [];
  const findings = new Map<string, Finding[]>();
  for (const c of [...corpus.positives, ...corpus.negatives]) {
    const lines = c.content.split("\n").map((text, i) => ({ line: i + 1, text }));
    const found = await scanLinesForSecrets(c.path, lines, options);
    findings.set(c.id, found);
    const want = new Set(c.lines ?? []);
    expected += want.size;
    const hitLines = new Set(found.map((f) => f.line));
    for (const l of want) {
      if (hitLines.has(l)) tp++;
      else missed.push({ id: c.id, line: l });
    }
    for (const f of found) if (!want.has(f.line)) falsePositives.push({ id: c.id, line: f.line, ruleId: f.ruleId });
  }
  const flaggedLines = tp + falsePositives.length;
  return { recall: tp / expected, precision: flaggedLines === 0 ? 1 : tp / flaggedLines, truePositives: tp, expected, falsePositives, missed, findings };
}
