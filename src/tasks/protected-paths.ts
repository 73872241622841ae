/**
 * CI and agent configuration: a change here can run code with the repository's secrets or rewrite
 * the rules the agent works under, so the agent may only touch these when the repo's config says
 * `pullRequest.allowConfigChanges`, and they are always listed prominently.
 */
const PROTECTED: readonly RegExp[] = [
  /^\.github\/workflows\//i,
  /^\.github\/actions\//i,
  /^\.github\/agent\.ya?ml$/i,
  /^\.github\/copilot-instructions\.md$/i,
  /^\.github\/dependabot\.ya?ml$/i,
  /^\.github\/CODEOWNERS$/i,
  /(^|\/)AGENTS(\.override)?\.md$/i,
  /(^|\/)CLAUDE(\.local)?\.md$/i,
  /(^|\/)GEMINI\.md$/i,
  /^\.mcp\.json$/i,
  /^\.(claude|gemini|codex|cursor|amazonq)\//i,
  /^\.gitlab-ci\.ya?ml$/i,
  /^\.circleci\//i,
  /^\.husky\//i,
  /^\.gitmodules$/i,
];

export function isProtectedPath(path: string): boolean {
  return PROTECTED.some((re) => re.test(path));
}

export function protectedPathsIn(paths: readonly string[]): string[] {
  return paths.filter(isProtectedPath);
}
