/**
 * Typed errors for the whole app. Callers branch on `code`, never on `message`.
 * `userMessage` is safe to post publicly (no secrets, no stack traces); `message` is for logs.
 */
export type ErrorCode =
  | "config/invalid-env"
  | "config/invalid-repo-config"
  | "permission/denied"
  | "github/api"
  | "github/push-refused"
  | "workspace/auth"
  | "workspace/clone"
  | "workspace/too-large"
  | "workspace/branch-moved"
  | "workspace/commit-refused"
  | "workspace/push"
  | "workspace/not-found"
  | "workspace/worker"
  | "workspace/hostile-tree"
  | "sandbox/unavailable"
  | "sandbox/denied"
  | "model/rate-limited"
  | "model/context-overflow"
  | "model/request-failed"
  | "model/auth"
  | "budget/exceeded"
  | "job/cancelled"
  | "internal";

export interface AppErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  userMessage?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly userMessage: string | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.userMessage = options.userMessage;
  }
}

export class ConfigError extends AppError {
  /** Every problem found, one line each: `key.path: what is wrong`. */
  readonly issues: string[];
  constructor(code: "config/invalid-env" | "config/invalid-repo-config", message: string, issues: string[], options: AppErrorOptions = {}) {
    super(code, message, options);
    this.issues = issues;
  }
}

export class PermissionDeniedError extends AppError {
  constructor(message: string, options: AppErrorOptions = {}) {
    super("permission/denied", message, options);
  }
}

export class SandboxError extends AppError {
  constructor(code: "sandbox/unavailable" | "sandbox/denied", message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}

export class BudgetExceededError extends AppError {
  readonly budget: "turns" | "minutes" | "tokens" | "usd";
  constructor(budget: "turns" | "minutes" | "tokens" | "usd", message: string) {
    super("budget/exceeded", message, { userMessage: message });
    this.budget = budget;
  }
}

export class CancelledError extends AppError {
  constructor(message = "The job was cancelled.") {
    super("job/cancelled", message, { userMessage: message });
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** A message that is safe to show a user for any thrown value. */
export function userMessageOf(error: unknown): string {
  if (isAppError(error) && error.userMessage) return error.userMessage;
  return "The app hit an internal error. The operator can find details in the logs.";
}
