/**
 * A scripted OpenAI-compatible model server for tests: node:http on 127.0.0.1, random port.
 *
 * Serves `POST /v1/responses` and `POST /v1/chat/completions`, streamed (SSE) or not, depending
 * on the request's `stream` flag. Each request consumes the next scripted turn (or asks a script
 * function) and is recorded with its parsed body, so tests can assert exactly what reached the
 * model (e.g. that hidden HTML comments from an issue never did).
 *
 *   const model = await startFakeModel({ script: [
 *     { toolCalls: [{ name: "read_file", arguments: { file_path: "src/a.js" } }] },
 *     { text: "Title: Fix a\n\nFixed it." },
 *   ] });
 *   runAgent({ ..., model: { name: "gpt-5", wireApi: "responses", baseURL: model.baseURL, apiKey: "sk-test" } });
 *   expect(model.requests[0].body.input).toEqual(...);
 *   await model.close();
 *
 * Usage: unless a turn gives `usage`, input tokens are estimated as ceil(request body bytes / 4)
 * and output tokens as ceil(reply chars / 4), so compaction tests see realistic growth.
 *
 * Summary requests (the agent's context compaction) are recognised by `summaryMarker` in the
 * last input message and answered by `summarize` without consuming the script.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeToolCall {
  name: string;
  /** An object is JSON-encoded; a string is sent verbatim (so tests can send broken JSON). */
  arguments: string | Record<string, unknown>;
  callId?: string;
  /**
   * Responses API only: send a native tool call item instead of a function call. `arguments`
   * is then the `operation` of an `apply_patch_call` or the `action` of a `shell_call`.
   */
  native?: "apply_patch" | "shell";
}

export interface FakeUsage {
  input: number;
  cachedInput: number;
  output: number;
  reasoning: number;
}

export interface FakeTurn {
  text?: string;
  toolCalls?: FakeToolCall[];
  /** Responses API only: a reasoning item (with encrypted_content) placed before the output. */
  reasoning?: string;
  usage?: Partial<FakeUsage>;
  /** Reply with an HTTP error instead (e.g. 429 with retry-after seconds). */
  error?: { status: number; retryAfter?: string; message?: string; code?: string };
  /** Wait before answering (tests of cancellation and timeouts). */
  delayMs?: number;
}

export interface RecordedRequest {
  api: "responses" | "chat";
  path: string;
  stream: boolean;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body. Loosely typed on purpose: tests poke into wire-format fields. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON, asserted by tests
  body: any;
  raw: string;
  /** Tokens the server attributed to the request (estimated unless the turn set usage). */
  inputTokens: number;
  kind: "turn" | "summary";
}

export type FakeScript = FakeTurn[] | ((request: RecordedRequest, index: number) => FakeTurn);

export interface FakeModelOptions {
  script: FakeScript;
  /** What to answer when an array script runs out (default: a final text answer). */
  whenExhausted?: FakeTurn;
  summaryMarker?: string;
  summarize?: (request: RecordedRequest) => string;
}

export interface FakeModel {
  /** e.g. http://127.0.0.1:41234/v1 */
  baseURL: string;
  requests: RecordedRequest[];
  /** Requests that consumed a scripted turn (not summaries). */
  turnRequests(): RecordedRequest[];
  summaryRequests(): RecordedRequest[];
  /** Append turns to an array script. */
  push(...turns: FakeTurn[]): void;
  close(): Promise<void>;
}

export const DEFAULT_SUMMARY_MARKER = "CONTEXT CHECKPOINT COMPACTION";

export async function startFakeModel(options: FakeModelOptions): Promise<FakeModel> {
  const requests: RecordedRequest[] = [];
  const queue = Array.isArray(options.script) ? [...options.script] : undefined;
  const scriptFn = Array.isArray(options.script) ? undefined : options.script;
  const marker = options.summaryMarker ?? DEFAULT_SUMMARY_MARKER;
  let turnIndex = 0;
  let callCounter = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const url = req.url ?? "";
        const api = url.endsWith("/responses") ? "responses" : url.endsWith("/chat/completions") ? "chat" : undefined;
        if (req.method !== "POST" || !api) {
          res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found" } }));
          return;
        }
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          res.writeHead(400).end(JSON.stringify({ error: { message: "body is not JSON" } }));
          return;
        }
        const b = body as { stream?: boolean };
        const kind = isSummaryRequest(api, body, marker) ? "summary" : "turn";
        const record: RecordedRequest = {
          api,
          path: url,
          stream: b.stream === true,
          headers: req.headers,
          body,
          raw,
          inputTokens: Math.ceil(Buffer.byteLength(raw) / 4),
          kind,
        };
        requests.push(record);

        let turn: FakeTurn;
        if (kind === "summary") {
          turn = { text: options.summarize ? options.summarize(record) : "Summary: earlier work was done; continue with the task." };
        } else if (scriptFn) {
          turn = scriptFn(record, turnIndex++);
        } else {
          turnIndex++;
          turn = queue!.shift() ?? options.whenExhausted ?? { text: "Title: Done\n\nNothing more to do." };
        }
        if (turn.delayMs) await sleep(turn.delayMs, res);
        if (res.destroyed) return;
        if (turn.usage?.input !== undefined) record.inputTokens = turn.usage.input;
        if (turn.error) {
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (turn.error.retryAfter !== undefined) headers["retry-after"] = turn.error.retryAfter;
          res
            .writeHead(turn.error.status, headers)
            .end(
              JSON.stringify({ error: { message: turn.error.message ?? `scripted ${turn.error.status}`, type: "scripted", code: turn.error.code ?? null } }),
            );
          return;
        }
        const usage: FakeUsage = {
          input: record.inputTokens,
          cachedInput: turn.usage?.cachedInput ?? 0,
          output: turn.usage?.output ?? Math.ceil(((turn.text ?? "").length + JSON.stringify(turn.toolCalls ?? []).length) / 4),
          reasoning: turn.usage?.reasoning ?? 0,
        };
        const calls = (turn.toolCalls ?? []).map((c) => ({
          callId: c.callId ?? `call_${++callCounter}`,
          name: c.name,
          arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments),
          ...(c.native ? { native: c.native, raw: c.arguments } : {}),
        }));
        const model = (body as { model?: string }).model ?? "fake";
        if (api === "responses") sendResponses(res, record.stream, model, turn, calls, usage);
        else sendChat(res, record.stream, model, turn, calls, usage);
      })();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    turnRequests: () => requests.filter((r) => r.kind === "turn"),
    summaryRequests: () => requests.filter((r) => r.kind === "summary"),
    push: (...turns) => {
      if (!queue) throw new Error("push() needs an array script");
      queue.push(...turns);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits, but gives up early when the client goes away (a request's own "close" fires once its body is read, so watch the response). */
function sleep(ms: number, res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    res.once("close", () => {
      clearTimeout(t);
      resolve();
    });
  });
}

function lastInputText(api: "responses" | "chat", body: unknown): string {
  const b = body as { input?: unknown; messages?: unknown };
  const items = (api === "responses" ? b.input : b.messages) as unknown[] | string | undefined;
  if (typeof items === "string") return items;
  const last = Array.isArray(items) ? (items[items.length - 1] as { content?: unknown } | undefined) : undefined;
  const content = last?.content;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (p as { text?: string }).text ?? "").join("\n");
  return "";
}

function isSummaryRequest(api: "responses" | "chat", body: unknown, marker: string): boolean {
  return lastInputText(api, body).includes(marker);
}

interface Call {
  callId: string;
  name: string;
  arguments: string;
  native?: "apply_patch" | "shell";
  raw?: unknown;
}

function responseObject(model: string, turn: FakeTurn, calls: Call[], usage: FakeUsage) {
  const output: unknown[] = [];
  if (turn.reasoning !== undefined) {
    output.push({
      type: "reasoning",
      id: `rs_${Math.random().toString(36).slice(2)}`,
      summary: [{ type: "summary_text", text: turn.reasoning }],
      encrypted_content: `enc:${Buffer.from(turn.reasoning).toString("base64")}`,
    });
  }
  if (turn.text !== undefined) {
    output.push({
      type: "message",
      id: `msg_${Math.random().toString(36).slice(2)}`,
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: turn.text, annotations: [] }],
    });
  }
  for (const c of calls) {
    if (c.native === "apply_patch") {
      output.push({ type: "apply_patch_call", id: `apc_${c.callId}`, call_id: c.callId, operation: c.raw, status: "completed" });
      continue;
    }
    if (c.native === "shell") {
      output.push({ type: "shell_call", id: `sc_${c.callId}`, call_id: c.callId, action: c.raw, status: "completed", environment: null });
      continue;
    }
    output.push({ type: "function_call", id: `fc_${c.callId}`, call_id: c.callId, name: c.name, arguments: c.arguments, status: "completed" });
  }
  return {
    id: `resp_${Math.random().toString(36).slice(2)}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "completed",
    model,
    output,
    usage: {
      input_tokens: usage.input,
      input_tokens_details: { cached_tokens: usage.cachedInput },
      output_tokens: usage.output,
      output_tokens_details: { reasoning_tokens: usage.reasoning },
      total_tokens: usage.input + usage.output,
    },
  };
}

function sendResponses(res: http.ServerResponse, stream: boolean, model: string, turn: FakeTurn, calls: Call[], usage: FakeUsage): void {
  const full = responseObject(model, turn, calls, usage);
  if (!stream) {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(full));
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  let seq = 0;
  const send = (type: string, data: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
  send("response.created", { response: { ...full, status: "in_progress", output: [], usage: null } });
  full.output.forEach((item, index) => {
    const it = item as { type: string; content?: { text: string }[] };
    send("response.output_item.added", { output_index: index, item: { ...it, ...(it.type === "message" ? { content: [] } : {}) } });
    if (it.type === "message") {
      const text = it.content?.[0]?.text ?? "";
      // Two deltas so clients that only concatenate deltas are exercised too.
      const half = Math.ceil(text.length / 2);
      for (const delta of [text.slice(0, half), text.slice(half)]) {
        if (delta) send("response.output_text.delta", { output_index: index, content_index: 0, delta, item_id: "x" });
      }
    }
    send("response.output_item.done", { output_index: index, item });
  });
  send("response.completed", { response: full });
  res.end();
}

function sendChat(res: http.ServerResponse, stream: boolean, model: string, turn: FakeTurn, calls: Call[], usage: FakeUsage): void {
  const id = `chatcmpl-${Math.random().toString(36).slice(2)}`;
  const created = Math.floor(Date.now() / 1000);
  const usageJson = {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: { cached_tokens: usage.cachedInput },
    completion_tokens_details: { reasoning_tokens: usage.reasoning },
  };
  const toolCalls = calls.map((c, index) => ({ index, id: c.callId, type: "function", function: { name: c.name, arguments: c.arguments } }));
  const finish = calls.length > 0 ? "tool_calls" : "stop";
  if (!stream) {
    const message = { role: "assistant", content: turn.text ?? null, ...(calls.length ? { tool_calls: toolCalls.map(({ index: _i, ...t }) => t) } : {}) };
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        id,
        object: "chat.completion",
        created,
        model,
        choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
        usage: usageJson,
      }),
    );
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    res.write(
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] })}\n\n`,
    );
  chunk({ role: "assistant", content: "" });
  const text = turn.text ?? "";
  const half = Math.ceil(text.length / 2);
  for (const part of [text.slice(0, half), text.slice(half)]) if (part) chunk({ content: part });
  for (const tc of toolCalls) {
    // Name first, arguments split across chunks, as real servers stream them.
    chunk({ tool_calls: [{ index: tc.index, id: tc.id, type: "function", function: { name: tc.function.name, arguments: "" } }] });
    const a = tc.function.arguments;
    const mid = Math.ceil(a.length / 2);
    for (const part of [a.slice(0, mid), a.slice(mid)]) if (part) chunk({ tool_calls: [{ index: tc.index, function: { arguments: part } }] });
  }
  chunk({}, finish);
  res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: usageJson })}\n\n`);
  res.write("data: [DONE]\n\n");
  res.end();
}
