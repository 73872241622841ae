/**
 * The final answer is the model's last text without tool calls: "Title: ..." then the PR body.
 * Parsing is tolerant (bold, "PR title:", a Markdown heading); without a title line the first
 * line becomes the title.
 */
export interface FinalAnswer {
  prTitle: string;
  prBody: string;
}

const TITLE_RE = /^\s*(?:#+\s*)?(?:\*\*|__)?(?:pr |pull request )?title(?:\*\*|__)?\s*:\s*(?:\*\*|__)?(.+?)(?:\*\*|__)?\s*$/i;

export function parseFinalAnswer(text: string): FinalAnswer {
  const lines = text.trim().split("\n");
  const idx = lines.findIndex((l) => TITLE_RE.test(l));
  if (idx >= 0) {
    const title = TITLE_RE.exec(lines[idx]!)![1]!
      .trim()
      .replace(/^["'`]|["'`]$/g, "");
    const body = [...lines.slice(0, idx), ...lines.slice(idx + 1)]
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim();
    return { prTitle: clampTitle(title), prBody: body };
  }
  const first = (lines[0] ?? "").replace(/^#+\s*/, "").trim();
  return { prTitle: clampTitle(first), prBody: lines.slice(1).join("\n").trim() || text.trim() };
}

export function clampTitle(title: string): string {
  const t = title.replace(/\s+/g, " ").trim();
  return t.length > 100 ? `${t.slice(0, 97)}...` : t;
}
