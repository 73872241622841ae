import { AppError, type AppErrorOptions } from "../../shared/errors.js";

export type ModelErrorCode = "model/rate-limited" | "model/request-failed" | "model/auth" | "model/context-overflow";

/**
 * A model call that failed for good (after retries, or not retryable). The message (logs, the CLI)
 * names the endpoint host, the HTTP status and the attempt count; it never contains the API key.
 * The `userMessage` says the same without the host, for public comments: an internal endpoint's
 * name is the operator's business.
 */
export class ModelError extends AppError {
  readonly status: number | undefined;
  readonly attempts: number;
  constructor(code: ModelErrorCode, message: string, details: { status?: number; attempts?: number } & AppErrorOptions = {}) {
    super(code, message, { ...details, userMessage: details.userMessage ?? message });
    this.status = details.status;
    this.attempts = details.attempts ?? 1;
  }
}
