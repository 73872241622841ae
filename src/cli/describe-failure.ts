/**
 * Turns whatever stopped a run into one line a person can act on. Connection failures name the
 * endpoint and what to check; everything passes through redaction so a key never reaches a
 * terminal log.
 */
import { redactSecrets } from "../shared/redact.js";

export interface FailureContext {
  baseURL: string | undefined;
  apiKey: string | undefined;
}

const CONNECTION =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|fetch failed|Connection error|connect(ion)? (refused|timed out)|socket hang up/i;

/** Every message in an error's cause chain, outermost first. */
function messagesOf(error: unknown): string[] {
  const out: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 6; depth++) {
    if (current instanceof Error) {
      out.push(current.message);
      const code = (current as NodeJS.ErrnoException).code;
      if (typeof code === "string") out.push(code);
      current = current.cause;
    } else {
      out.push(String(current));
      break;
    }
  }
  return out;
}

export function endpointOf(ctx: FailureContext): string {
  return ctx.baseURL ?? "https://api.openai.com/v1";
}

/** A user-facing line for a failure given as a code + message (RunAgentResult.error) or a thrown value. */
export function describeFailure(failure: { code?: string; message: string } | unknown, ctx: FailureContext): string {
  const isRecord = typeof failure === "object" && failure !== null && !(failure instanceof Error);
  const code = (failure as { code?: unknown } | null)?.code;
  const messages = isRecord ? [String((failure as { message?: unknown }).message ?? "")] : messagesOf(failure);
  const all = messages.join(" | ");
  const secrets = ctx.apiKey ? [ctx.apiKey] : [];
  const clean = (s: string) => redactSecrets(s, secrets);
  const endpoint = endpointOf(ctx);

  if (code === "model/auth" || /\b401\b|invalid api key|incorrect api key|unauthorized/i.test(all)) {
    return `The model endpoint ${endpoint} refused the API key. Set OPENAI_API_KEY to a valid key for it.`;
  }
  if (CONNECTION.test(all)) {
    return `Cannot reach the model endpoint ${endpoint} (${clean(messages.find((m) => CONNECTION.test(m)) ?? all)}). Is the server running? Check OPENAI_BASE_URL.`;
  }
  if (code === "sandbox/unavailable") {
    return `${clean(messages[0] ?? "The sandbox is unavailable")}. Install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces, or pass --sandbox danger-full-access to run commands unsandboxed on this machine.`;
  }
  return clean(messages[0] || "The run failed.");
}
