/**
 * A cheap start-up check of the model endpoint: list its models (GET /models, which OpenAI, vLLM,
 * Ollama, llama.cpp, LiteLLM and OpenRouter all serve) with a short timeout and no retries. Each
 * problem comes back with the fix, for one log line each; an endpoint that does not list models
 * is not a problem, only a model name that cannot be checked.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { redactSecrets } from "../../shared/redact.js";
import { DEFAULT_BASE_URL } from "./create-model-client.js";

export interface ModelEndpointProblem {
  problem: string;
  fix: string;
}

export interface ModelEndpointCheck {
  ok: boolean;
  host: string;
  problems: ModelEndpointProblem[];
  /** Set when the endpoint listed its models. */
  models?: string[];
  /** What could not be checked (informational). */
  notes: string[];
}

export interface CheckModelEndpointOptions {
  baseURL?: string | undefined;
  apiKey?: string | undefined;
  /** Model names the app will ask for (AGENT_MODEL, AGENT_REVIEW_MODEL). */
  models: string[];
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export async function checkModelEndpoint(options: CheckModelEndpointOptions): Promise<ModelEndpointCheck> {
  const baseURL = options.baseURL ?? DEFAULT_BASE_URL;
  let host: string;
  try {
    host = new URL(baseURL).host;
  } catch {
    host = baseURL;
  }
  const result: ModelEndpointCheck = { ok: true, host, problems: [], notes: [] };
  const problem = (p: ModelEndpointProblem) => {
    result.ok = false;
    result.problems.push(p);
    return result;
  };
  if (!options.apiKey && baseURL === DEFAULT_BASE_URL) {
    return problem({
      problem: "OPENAI_API_KEY is not set, so every model request to api.openai.com will be refused",
      fix: "set OPENAI_API_KEY, or OPENAI_BASE_URL to a server that needs no key (Ollama, vLLM)",
    });
  }
  const client = new OpenAI({
    baseURL,
    apiKey: options.apiKey ?? "unused",
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 5000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const secrets = options.apiKey ? [options.apiKey] : [];
  let models: string[];
  try {
    const page = await client.models.list();
    models = page.data.map((m) => m.id);
  } catch (error) {
    if (error instanceof APIConnectionTimeoutError) {
      return problem({
        problem: `the model endpoint ${host} did not answer within ${options.timeoutMs ?? 5000} ms`,
        fix: "check OPENAI_BASE_URL and that the model server is up and reachable from this host",
      });
    }
    if (error instanceof APIConnectionError) {
      const cause = rootCause(error);
      return problem({
        problem: `the model endpoint ${host} cannot be reached (${redactSecrets(String(cause), secrets)})`,
        fix: "check OPENAI_BASE_URL and that the model server is up and reachable from this host",
      });
    }
    if (error instanceof APIError && (error.status === 401 || error.status === 403)) {
      return problem({
        problem: `the model endpoint ${host} refused OPENAI_API_KEY (HTTP ${error.status})`,
        fix: "set OPENAI_API_KEY to a valid key for this endpoint",
      });
    }
    if (error instanceof APIError && error.status !== undefined && error.status >= 500) {
      return problem({
        problem: `the model endpoint ${host} answered HTTP ${error.status} to GET /models`,
        fix: "check the model server's own logs; runs will fail while it errors",
      });
    }
    result.notes.push(
      `the endpoint does not list its models (${error instanceof APIError ? `HTTP ${error.status}` : redactSecrets(String(error), secrets)}), so the model names were not checked`,
    );
    return result;
  }
  result.models = models;
  for (const name of new Set(options.models)) {
    if (models.length > 0 && !models.includes(name)) {
      problem({
        problem: `the model endpoint ${host} does not offer the model "${name}"`,
        fix: `set AGENT_MODEL / AGENT_REVIEW_MODEL (or model.name in agent.yml) to one it offers, e.g. ${models.slice(0, 5).join(", ")}`,
      });
    }
  }
  return result;
}

/** The innermost cause's code (ECONNREFUSED, ENOTFOUND...) or message: "fetch failed" says nothing. */
function rootCause(error: Error): string {
  let e: unknown = error;
  let text = error.message;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    text = (e as NodeJS.ErrnoException).code ?? e.message;
    e = e.cause;
  }
  return text;
}
