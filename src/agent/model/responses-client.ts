/**
 * The Responses API wire: `store: false` and the full input every turn (works under zero data
 * retention), reasoning items carried forward with their encrypted content, streaming by default.
 */
import type OpenAI from "openai";
import type { ModelSettings } from "../types.js";
import type { HistoryItem, ModelRequest, ModelTurn, ToolCallRequest } from "./types.js";
import { fromNativeCall, NATIVE_TOOL_NAMES, toNativeOutput } from "./native-tools.js";
import { StreamFailure } from "./with-retry.js";

type Params = OpenAI.Responses.ResponseCreateParamsNonStreaming;
type InputItem = OpenAI.Responses.ResponseInputItem;
type Response = OpenAI.Responses.Response;

export function toResponsesInput(history: readonly HistoryItem[]): InputItem[] {
  return history.map((item): InputItem => {
    switch (item.type) {
      case "message":
        if (item.role === "user" && item.images?.length) {
          return {
            role: "user",
            content: [
              { type: "input_text", text: item.text },
              ...item.images.map((url) => ({ type: "input_image" as const, image_url: url, detail: "auto" as const })),
            ],
          };
        }
        return { role: item.role, content: item.text };
      case "function_call":
        if (item.native) return item.native.item as unknown as InputItem;
        return { type: "function_call", call_id: item.callId, name: item.name, arguments: item.arguments };
      case "function_call_output":
        if (item.native) return toNativeOutput(item) as unknown as InputItem;
        return { type: "function_call_output", call_id: item.callId, output: item.output };
      case "reasoning":
        return item.item as unknown as InputItem;
    }
  });
}

export function buildResponsesParams(settings: ModelSettings, request: ModelRequest): Params {
  // Key order puts everything that never changes first and the growing input last, so even
  // caches keyed on the raw request bytes see a stable prefix.
  return {
    model: settings.name,
    store: false,
    tool_choice: "auto",
    parallel_tool_calls: true,
    ...(settings.reasoningEffort ? { reasoning: { effort: settings.reasoningEffort, summary: "auto" }, include: ["reasoning.encrypted_content"] } : {}),
    tools: request.tools.map((t): OpenAI.Responses.Tool =>
      settings.nativeTools && (NATIVE_TOOL_NAMES as readonly string[]).includes(t.name)
        ? ({ type: t.name as "apply_patch" | "shell" } as OpenAI.Responses.Tool)
        : { type: "function", name: t.name, description: t.description, parameters: t.parameters, strict: false },
    ),
    instructions: request.instructions,
    input: toResponsesInput(request.history),
  };
}

export async function completeWithResponses(client: OpenAI, settings: ModelSettings, request: ModelRequest): Promise<ModelTurn> {
  const params = buildResponsesParams(settings, request);
  const requestBytes = Buffer.byteLength(JSON.stringify(params));
  const options = request.signal ? { signal: request.signal } : {};
  let response: Response | undefined;
  if (settings.stream === false) {
    response = await client.responses.create(params, options);
  } else {
    const stream = await client.responses.create({ ...params, stream: true }, options);
    const done: OpenAI.Responses.ResponseOutputItem[] = [];
    for await (const event of stream) {
      if (event.type === "response.output_text.delta") request.onTextDelta?.(event.delta);
      else if (event.type === "response.output_item.done") done.push(event.item);
      else if (event.type === "response.completed" || event.type === "response.incomplete") response = event.response;
      else if (event.type === "response.failed") {
        const e = event.response.error;
        throw new StreamFailure(
          `response failed: ${e?.message ?? "unknown error"}`,
          e?.code ?? null,
          e?.code === "server_error" || e?.code === "rate_limit_exceeded",
        );
      } else if (event.type === "error") throw new StreamFailure(`stream error: ${event.message}`, event.code, true);
    }
    if (!response) throw new StreamFailure("the stream ended before response.completed", null, true);
    // Some compatible servers send an empty output in the final event; the items streamed are the truth.
    if (response.output.length === 0 && done.length > 0) response = { ...response, output: done };
  }
  return parseResponse(response, requestBytes);
}

function parseResponse(response: Response, requestBytes: number): ModelTurn {
  const items: HistoryItem[] = [];
  const toolCalls: ToolCallRequest[] = [];
  const texts: string[] = [];
  for (const out of response.output) {
    if (out.type === "reasoning") {
      // Only carry items the server can re-read without storage: encrypted content present.
      if (out.encrypted_content)
        items.push({ type: "reasoning", item: { type: "reasoning", id: out.id, summary: out.summary, encrypted_content: out.encrypted_content } });
    } else if (out.type === "message") {
      const text = out.content.map((c) => (c.type === "output_text" ? c.text : "")).join("");
      if (text) {
        texts.push(text);
        items.push({ type: "message", role: "assistant", text });
      }
    } else if (out.type === "apply_patch_call" || out.type === "shell_call") {
      const native = fromNativeCall(out);
      if (native) {
        toolCalls.push(native.call);
        items.push(native.item);
      }
    } else if (out.type === "function_call") {
      toolCalls.push({ callId: out.call_id, name: out.name, arguments: out.arguments });
      items.push({ type: "function_call", callId: out.call_id, name: out.name, arguments: out.arguments });
    }
  }
  const u = response.usage;
  return {
    text: texts.join("\n"),
    toolCalls,
    items,
    requestBytes,
    usage: {
      input: u?.input_tokens ?? 0,
      cachedInput: u?.input_tokens_details?.cached_tokens ?? 0,
      output: u?.output_tokens ?? 0,
      reasoning: u?.output_tokens_details?.reasoning_tokens ?? 0,
    },
  };
}
