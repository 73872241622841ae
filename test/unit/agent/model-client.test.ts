import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { createModelClient } from "../../../src/agent/model/create-model-client.js";
import { ModelError } from "../../../src/agent/model/model-error.js";
import { computeCostUsd, contextWindowOf } from "../../../src/agent/model/prices.js";
import type { HistoryItem } from "../../../src/agent/model/types.js";
import type { ModelSettings } from "../../../src/agent/types.js";
import { startFakeModel, type FakeModel } from "../../helpers/fake-model.js";

const KEY = "sk-proj-SECRETSECRETSECRET1234567890";
let model: FakeModel | undefined;
afterEach(async () => {
  await model?.close();
  model = undefined;
});

const history: HistoryItem[] = [{ type: "message", role: "user", text: "fix the bug", images: ["https://example.com/shot.png"] }];
const tools = [{ name: "shell", description: "run", parameters: { type: "object", properties: {} } }];

const variants: { wireApi: "responses" | "chat"; stream: boolean }[] = [
  { wireApi: "responses", stream: true },
  { wireApi: "responses", stream: false },
  { wireApi: "chat", stream: true },
  { wireApi: "chat", stream: false },
];

describe("model client", () => {
  it.each(variants)("$wireApi (stream=$stream) returns text, tool calls and usage", async ({ wireApi, stream }) => {
    model = await startFakeModel({
      script: [
        {
          text: "Looking.",
          reasoning: "r",
          toolCalls: [{ name: "shell", arguments: { command: ["ls"] }, callId: "c1" }],
          usage: { input: 120, cachedInput: 100, output: 7, reasoning: 3 },
        },
      ],
    });
    const settings: ModelSettings = { name: "gpt-5", wireApi, stream, baseURL: model.baseURL, apiKey: KEY, reasoningEffort: "low" };
    const deltas: string[] = [];
    const turn = await createModelClient(settings).complete({ instructions: "be good", history, tools, onTextDelta: (d) => deltas.push(d) });
    expect(turn.text).toBe("Looking.");
    expect(turn.toolCalls).toEqual([{ callId: "c1", name: "shell", arguments: '{"command":["ls"]}' }]);
    expect(turn.usage).toEqual({ input: 120, cachedInput: 100, output: 7, reasoning: 3 });
    if (stream) expect(deltas.join("")).toBe("Looking.");
    const body = model.requests[0]!.body;
    expect(model.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    if (wireApi === "responses") {
      expect(body).toMatchObject({ store: false, instructions: "be good", include: ["reasoning.encrypted_content"], reasoning: { effort: "low" } });
      expect(body.input[0].content[1]).toMatchObject({ type: "input_image", image_url: "https://example.com/shot.png" });
      // The reasoning item comes back for the next turn, with its encrypted content.
      expect(turn.items[0]).toMatchObject({ type: "reasoning", item: { encrypted_content: expect.stringMatching(/^enc:/) } });
    } else {
      expect(body.messages[0]).toEqual({ role: "system", content: "be good" });
      expect(body.messages[1].content[1]).toEqual({ type: "image_url", image_url: { url: "https://example.com/shot.png" } });
      expect(body.reasoning_effort).toBe("low");
    }
  });

  it("sends tool results back in each wire format", async () => {
    model = await startFakeModel({ script: [{ text: "ok" }, { text: "ok" }] });
    const h: HistoryItem[] = [
      { type: "message", role: "user", text: "go" },
      { type: "message", role: "assistant", text: "let me look" },
      { type: "function_call", callId: "c9", name: "shell", arguments: "{}" },
      { type: "function_call_output", callId: "c9", output: "exit 0" },
    ];
    await createModelClient({ name: "m", wireApi: "chat", baseURL: model.baseURL, apiKey: KEY }).complete({ instructions: "i", history: h, tools });
    await createModelClient({ name: "m", wireApi: "responses", baseURL: model.baseURL, apiKey: KEY }).complete({ instructions: "i", history: h, tools });
    expect(model.requests[0]!.body.messages.slice(2)).toEqual([
      { role: "assistant", content: "let me look", tool_calls: [{ id: "c9", type: "function", function: { name: "shell", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c9", content: "exit 0" },
    ]);
    expect(model.requests[1]!.body.input.slice(2)).toEqual([
      { type: "function_call", call_id: "c9", name: "shell", arguments: "{}" },
      { type: "function_call_output", call_id: "c9", output: "exit 0" },
    ]);
  });

  it("retries 429 and 500 honouring retry-after, then succeeds", async () => {
    model = await startFakeModel({ script: [{ error: { status: 429, retryAfter: "0" } }, { error: { status: 500 } }, { text: "finally" }] });
    const client = createModelClient({ name: "m", wireApi: "responses", baseURL: model.baseURL, apiKey: KEY, retryBaseDelayMs: 1, maxRetries: 3 });
    const turn = await client.complete({ instructions: "i", history, tools });
    expect(turn.text).toBe("finally");
    expect(model.requests).toHaveLength(3);
  });

  it("gives up with a typed error that does not contain the key", async () => {
    model = await startFakeModel({ script: Array.from({ length: 5 }, () => ({ error: { status: 429, retryAfter: "0", message: `slow down ${KEY}` } })) });
    const client = createModelClient({ name: "m", wireApi: "chat", baseURL: model.baseURL, apiKey: KEY, retryBaseDelayMs: 1, maxRetries: 2 });
    const error = await client.complete({ instructions: "i", history, tools }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: "model/rate-limited", attempts: 3, status: 429 });
    expect((error as Error).message).toContain("127.0.0.1");
    expect((error as Error).message).not.toContain(KEY);
    expect(model.requests).toHaveLength(3);
  });

  it("maps 401 to model/auth and context overflow to model/context-overflow without retrying", async () => {
    model = await startFakeModel({
      script: [{ error: { status: 401, message: `bad key ${KEY}` } }, { error: { status: 400, code: "context_length_exceeded", message: "too long" } }],
    });
    const client = createModelClient({ name: "m", wireApi: "responses", baseURL: model.baseURL, apiKey: KEY, retryBaseDelayMs: 1 });
    const e1 = await client.complete({ instructions: "i", history, tools }).catch((e: unknown) => e);
    const e2 = await client.complete({ instructions: "i", history, tools }).catch((e: unknown) => e);
    expect(e1).toMatchObject({ code: "model/auth" });
    expect((e1 as Error).message).not.toContain(KEY);
    expect(e2).toMatchObject({ code: "model/context-overflow" });
    expect(model.requests).toHaveLength(2);
  });

  it("works against the real OpenAI host shape through nock (Responses, non-streamed), retrying a 503", async () => {
    const scope = nock("https://api.openai.com")
      .post("/v1/responses")
      .reply(503, { error: { message: "overloaded" } }, { "retry-after-ms": "1" })
      .post("/v1/responses", (b: { store?: boolean }) => b.store === false)
      .reply(200, {
        id: "resp_1",
        object: "response",
        status: "completed",
        model: "gpt-5",
        created_at: 1,
        output: [{ type: "message", id: "m1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "hi", annotations: [] }] }],
        usage: {
          input_tokens: 1000,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 100,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 1100,
        },
      });
    const client = createModelClient({ name: "gpt-5", wireApi: "responses", stream: false, apiKey: KEY, retryBaseDelayMs: 1 });
    const turn = await client.complete({ instructions: "i", history, tools });
    expect(turn.text).toBe("hi");
    expect(scope.isDone()).toBe(true);
  });

  it("computes cost from usage with the price table and config extensions", () => {
    const usage = { input: 1_000_000, cachedInput: 400_000, output: 100_000, reasoning: 50_000 };
    // gpt-5: 0.6M * 1.25 + 0.4M * 0.125 + 0.1M * 10
    expect(computeCostUsd("gpt-5-2025-08-07", usage)).toBeCloseTo(0.75 + 0.05 + 1, 6);
    expect(computeCostUsd("openai/gpt-5", usage)).toBeCloseTo(1.8, 6);
    expect(computeCostUsd("my-local", usage)).toBe(0);
    expect(computeCostUsd("my-local", usage, { "my-local": { input: 1, output: 2 } })).toBeCloseTo(1 + 0.2, 6);
    expect(contextWindowOf("gpt-5-codex")).toBe(272_000);
    expect(contextWindowOf("x", 4096)).toBe(4096);
  });
});

describe("model client over nock", () => {
  it("streams Chat Completions SSE from the OpenAI host, tool call split across chunks", async () => {
    const chunk = (delta: unknown, extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "gpt-4.1", choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
    const sse =
      chunk({ role: "assistant", content: "" }) +
      chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "read_file", arguments: '{"file_' } }] }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'path":"a.js"}' } }] }) +
      `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "gpt-4.1", choices: [], usage: { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55 } })}\n\n` +
      "data: [DONE]\n\n";
    const scope = nock("https://api.openai.com")
      .post(
        "/v1/chat/completions",
        (b: { stream?: boolean; stream_options?: unknown }) => b.stream === true && JSON.stringify(b.stream_options) === '{"include_usage":true}',
      )
      .reply(200, sse, { "content-type": "text/event-stream" });
    const turn = await createModelClient({ name: "gpt-4.1", wireApi: "chat", apiKey: KEY }).complete({ instructions: "i", history, tools });
    expect(turn.toolCalls).toEqual([{ callId: "call_a", name: "read_file", arguments: '{"file_path":"a.js"}' }]);
    expect(turn.usage).toEqual({ input: 50, cachedInput: 0, output: 5, reasoning: 0 });
    expect(scope.isDone()).toBe(true);
  });
});

describe("model client timeouts", () => {
  it("retries a request that times out", async () => {
    model = await startFakeModel({ script: [{ text: "slow", delayMs: 2000 }, { text: "fast" }] });
    const client = createModelClient({ name: "m", wireApi: "responses", baseURL: model.baseURL, apiKey: KEY, timeoutMs: 200, retryBaseDelayMs: 1 });
    expect((await client.complete({ instructions: "i", history, tools })).text).toBe("fast");
    expect(model.requests).toHaveLength(2);
  });
});
