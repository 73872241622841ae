/**
 * Translate Octokit's RequestError into the app's typed errors once, at the boundary. Nothing above
 * github/ sees a raw library error or a response body that might echo a token.
 */
import { AppError } from "../shared/errors.js";

export interface HttpLikeError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as HttpLikeError | null)?.status;
  return typeof status === "number" ? status : undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

export function toGitHubError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  const status = statusOf(error);
  const retryable = status === undefined || status >= 500 || status === 429 || status === 403;
  return new AppError("github/api", `GitHub API call failed: ${what} (status ${status ?? "none"})`, {
    cause: error,
    retryable,
    userMessage: `A GitHub API call failed (${what}, HTTP ${status ?? "error"}). The app may lack a permission, or GitHub may be having trouble; try again later.`,
  });
}
