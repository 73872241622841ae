/**
 * Fingerprints identify a finding across runs so a re-synchronized PR gets no duplicate comment.
 * They hash what the finding is about (path, rule or CWE, the normalized line text), not the line
 * number, so unrelated edits above it do not make it "new".
 */
import { createHash } from "node:crypto";

export function fingerprintOf(parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 20);
}

/** Whitespace-insensitive line text, so reformatting does not produce a new finding. */
export function normalizeLine(text: string): string {
  return text.trim().replace(/\s+/g, " ");
}
