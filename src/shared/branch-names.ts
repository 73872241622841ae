/**
 * Which branch names the app will create or push to: no `..`, no leading `-` or `.`, no `@{`, no
 * `//`, no `.lock` component, no control characters. One rule for the git push (workspace/) and the
 * API commit (github/): a PR's head branch comes from GitHub and is only trusted after this check.
 */
const VALID_BRANCH = /^(?!-)(?!.*\.\.)(?!.*@\{)(?!.*\/\/)(?!.*\.lock(\/|$))(?!.*\/$)(?!.*\.$)(?!.*\/\.)(?!\.)[A-Za-z0-9._/+-]{1,200}$/;

export function isValidBranchName(name: string): boolean {
  return VALID_BRANCH.test(name) && name !== "HEAD";
}
