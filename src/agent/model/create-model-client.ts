/**
 * The model client factory. Endpoint and key come only from ModelSettings (the app passes
 * OPENAI_BASE_URL / OPENAI_API_KEY from its parsed env); nothing here reads process.env, and the
 * SDK's own env fallbacks are overridden explicitly.
 */
import OpenAI from "openai";
import type { ModelSettings } from "../types.js";
import { completeWithChat } from "./chat-client.js";
import { completeWithResponses } from "./responses-client.js";
import type { ModelClient, ModelRequest, ModelTurn } from "./types.js";
import { withRetry } from "./with-retry.js";

export const DEFAULT_BASE_URL = "https://api.openai.com/v1";

export function createModelClient(settings: ModelSettings): ModelClient {
  const baseURL = settings.baseURL ?? DEFAULT_BASE_URL;
  const client = new OpenAI({
    baseURL,
    // Local servers (Ollama, llama.cpp) take no key, but the SDK insists on one.
    apiKey: settings.apiKey ?? "unused",
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: settings.timeoutMs ?? 10 * 60_000,
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
  let host: string;
  try {
    host = new URL(baseURL).host;
  } catch {
    host = "the model endpoint";
  }
  const complete = settings.wireApi === "chat" ? completeWithChat : completeWithResponses;
  return {
    model: settings.name,
    wireApi: settings.wireApi,
    complete: (request: ModelRequest): Promise<ModelTurn> =>
      withRetry(() => complete(client, settings, request), {
        maxRetries: settings.maxRetries ?? 4,
        baseDelayMs: settings.retryBaseDelayMs ?? 1000,
        maxDelayMs: settings.retryMaxDelayMs ?? 30_000,
        host,
        ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      }),
  };
}
