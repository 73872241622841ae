/**
 * Translate isomorphic-git failures into WorkspaceError once, at the boundary. The original error
 * is kept as `cause` only as a redacted copy: library errors can carry response bodies, and no
 * token may ride along into a log through an error chain.
 */
import { Errors } from "isomorphic-git";
import { AppError } from "../shared/errors.js";
import { outboundCode } from "../shared/format-outbound.js";
import { redactSecrets } from "../shared/redact.js";
import { WorkspaceError, type WorkspaceErrorCode } from "./errors.js";

const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND", "UND_ERR_SOCKET"]);

interface GitLibError {
  code?: string;
  message?: string;
  data?: { statusCode?: number };
}

function redactedCause(error: unknown, secrets: readonly string[]): Error {
  const e = (error ?? {}) as GitLibError;
  const copy = new Error(redactSecrets(String(e.message ?? error), secrets));
  copy.name = String(e.code ?? "Error");
  return copy;
}

/** `host/path` of a URL, never its user-info: safe for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

export function translateGitError(
  error: unknown,
  context: { operation: "clone" | "push"; url: string; ref?: string | undefined; secrets: readonly string[] },
): AppError {
  if (error instanceof AppError) return error;
  const e = (error ?? {}) as GitLibError;
  const where = describeUrl(context.url);
  const cause = redactedCause(error, context.secrets);
  const fallback: WorkspaceErrorCode = context.operation === "clone" ? "workspace/clone" : "workspace/push";

  if (e.code === Errors.UserCanceledError.code) {
    return authError(where, cause);
  }
  if (e.code === Errors.HttpError.code) {
    const status = e.data?.statusCode ?? 0;
    if (status === 401 || status === 403) return authError(where, cause);
    if (status === 404) {
      return new WorkspaceError("workspace/not-found", `Repository ${where} was not found (HTTP 404).`, {
        cause,
        userMessage: "The repository could not be found: it may have been deleted or the app lost access to it.",
      });
    }
    return new WorkspaceError(fallback, `git ${context.operation} of ${where} failed: HTTP ${status}.`, { cause, retryable: status >= 500 || status === 429 });
  }
  if (e.code === Errors.NotFoundError.code && context.operation === "clone") {
    return new WorkspaceError("workspace/not-found", `Ref ${context.ref ?? "HEAD"} was not found in ${where}.`, {
      cause,
      userMessage: `The branch or ref ${outboundCode(context.ref ?? "HEAD")} does not exist on the remote any more.`,
    });
  }
  const retryable = NETWORK_CODES.has(String(e.code));
  return new WorkspaceError(fallback, `git ${context.operation} of ${where} failed: ${cause.message}`, {
    cause,
    retryable,
    userMessage: retryable ? `A network error interrupted the git ${context.operation}; it will be retried.` : undefined,
  });
}

function authError(where: string, cause: Error): WorkspaceError {
  return new WorkspaceError("workspace/auth", `Authentication to ${where} failed: the installation token was rejected.`, {
    cause,
    userMessage: "The app could not authenticate to the repository's git server. The installation may lack access to this repository.",
  });
}
