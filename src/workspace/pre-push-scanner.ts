/**
 * The secret scanner the pre-push check runs on the lines each changed file adds (exactly the
 * bytes to be committed, see prepare-changes.ts): the same rules and the same findings as the
 * security review, placeholder tier included (publish-changes.ts decides what stops a push).
 */
import type { LineScanner } from "./prepare-changes.js";

let scanner: LineScanner | undefined;

export async function prePushScanner(): Promise<LineScanner> {
  // Loaded on first use: the rule sets are large and most worker calls never scan.
  if (!scanner) {
    const { scanLinesForSecrets } = await import("../review/scan-secrets.js");
    scanner = async (path, lines) =>
      (await scanLinesForSecrets(path, lines)).map((f) => ({ path: f.path, line: f.line, title: f.title, ...(f.placeholder ? { placeholder: true } : {}) }));
  }
  return scanner;
}
