/**
 * Credentials for isomorphic-git, only ever through `onAuth` at request time: the token lives in
 * this closure, never in a remote URL, `.git/config` or any file of the workspace (the agent's
 * shell can read all of those).
 */
import type { AuthCallback, AuthFailureCallback } from "isomorphic-git";
import { WorkspaceError } from "./errors.js";

export interface GitAuth {
  onAuth: AuthCallback;
  onAuthFailure: AuthFailureCallback;
}

export function gitAuth(token: string | undefined): GitAuth {
  return {
    onAuth: () => (token ? { username: "x-access-token", password: token } : { cancel: true }),
    // A rejected token will not get better by retrying it: stop at the first 401.
    onAuthFailure: () => ({ cancel: true }),
  };
}

/**
 * Refuse URLs with user-info: a token in the URL would be written to `.git/config` as the remote
 * and printed in every error message. The message does not repeat the URL for the same reason.
 */
export function assertCredentialFreeUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WorkspaceError("workspace/clone", "The clone URL is not a valid URL.");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new WorkspaceError("workspace/clone", `Only http(s) clone URLs are supported, not ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) {
    throw new WorkspaceError("workspace/clone", "The clone URL contains credentials; pass the token separately so it never reaches .git/config.");
  }
}
