/**
 * Files a coding task rarely needs to touch but that run code or change rules later: git hooks and
 * config, CI and agent configuration, editor and shell hooks. The CLI's summary names them, as the
 * app's pull request does for its protected paths, so the person reviews them before running git,
 * opening the project in an editor or pushing.
 */
import path from "node:path";
import { isProtectedPath } from "../tasks/protected-paths.js";
import { CONVENTIONAL_GIT_PATHS } from "./repo-git-config.js";

/** Beyond the app's list: what runs on the user's machine rather than in CI. */
const LOCAL_EXTRA: readonly RegExp[] = [
  /^\.githooks\//i,
  /^\.gitconfig$/i,
  /(^|\/)\.gitattributes$/i,
  /^\.lfsconfig$/i,
  /^\.pre-commit-config\.ya?ml$/i,
  /^\.envrc$/i,
  /^\.vscode\//i,
  /^\.idea\//i,
  /^\.devcontainer\//i,
  /(^|\/)\.npmrc$/i,
  /(^|\/)\.yarnrc(\.yml)?$/i,
];

/**
 * The changed paths (relative to `root`) that fall outside the task: the app's protected paths,
 * the list above, and every path git executes or reads as config in this repository (`gitPaths`:
 * absolute paths from repo-git-config.ts, e.g. a custom core.hooksPath or an include target).
 */
export function outsideTaskChanges(root: string, changed: readonly string[], gitPaths: readonly string[]): string[] {
  const relGit = gitPaths
    .map((p) => path.relative(root, p))
    .filter(
      (rel) =>
        rel !== "" &&
        !rel.startsWith("..") &&
        !path.isAbsolute(rel) &&
        !CONVENTIONAL_GIT_PATHS.includes(rel as (typeof CONVENTIONAL_GIT_PATHS)[number]) &&
        rel !== ".git" &&
        !rel.startsWith(".git/"),
    );
  return changed.filter(
    (p) =>
      isProtectedPath(p) ||
      LOCAL_EXTRA.some((re) => re.test(p)) ||
      CONVENTIONAL_GIT_PATHS.some((c) => p === c || p.startsWith(`${c}/`)) ||
      relGit.some((g) => p === g || p.startsWith(`${g}/`)),
  );
}
