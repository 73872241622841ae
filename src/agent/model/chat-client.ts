/**
 * The Chat Completions wire, for vLLM, Ollama, llama.cpp server, OpenRouter, Azure and other
 * compatible servers. Reasoning items have no place in this API and are dropped; an assistant
 * text followed by function calls becomes one assistant message with `tool_calls`.
 */
import type OpenAI from "openai";
import type { ModelSettings } from "../types.js";
import type { HistoryItem, ModelRequest, ModelTurn, ToolCallRequest } from "./types.js";

type Message = OpenAI.Chat.ChatCompletionMessageParam;
type Params = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;

export function toChatMessages(instructions: string, history: readonly HistoryItem[]): Message[] {
  const out: Message[] = [{ role: "system", content: instructions }];
  let pending: OpenAI.Chat.ChatCompletionAssistantMessageParam | undefined;
  const flush = () => {
    if (pending) out.push(pending);
    pending = undefined;
  };
  for (const item of history) {
    if (item.type === "reasoning") continue;
    if (item.type === "message" && item.role === "assistant") {
      flush();
      pending = { role: "assistant", content: item.text };
      continue;
    }
    if (item.type === "function_call") {
      pending ??= { role: "assistant", content: null };
      (pending.tool_calls ??= []).push({ id: item.callId, type: "function", function: { name: item.name, arguments: item.arguments } });
      continue;
    }
    flush();
    if (item.type === "function_call_output") out.push({ role: "tool", tool_call_id: item.callId, content: item.output });
    else if (item.images?.length) {
      out.push({
        role: "user",
        content: [{ type: "text", text: item.text }, ...item.images.map((url) => ({ type: "image_url" as const, image_url: { url } }))],
      });
    } else out.push({ role: "user", content: item.text });
  }
  flush();
  return out;
}

export function buildChatParams(settings: ModelSettings, request: ModelRequest): Params {
  // Stable parts first, the growing messages last (prefix-stable request bytes).
  return {
    model: settings.name,
    ...(settings.reasoningEffort ? { reasoning_effort: settings.reasoningEffort } : {}),
    ...(request.tools.length > 0
      ? {
          tool_choice: "auto" as const,
          tools: request.tools.map((t) => ({ type: "function" as const, function: { name: t.name, description: t.description, parameters: t.parameters } })),
        }
      : {}),
    messages: toChatMessages(request.instructions, request.history),
  };
}

export async function completeWithChat(client: OpenAI, settings: ModelSettings, request: ModelRequest): Promise<ModelTurn> {
  const params = buildChatParams(settings, request);
  const requestBytes = Buffer.byteLength(JSON.stringify(params));
  const options = request.signal ? { signal: request.signal } : {};
  let text = "";
  const calls: { id: string; name: string; arguments: string }[] = [];
  let usage: OpenAI.CompletionUsage | undefined;
  if (settings.stream === false) {
    const res = await client.chat.completions.create(params, options);
    const msg = res.choices[0]?.message;
    text = msg?.content ?? "";
    for (const tc of msg?.tool_calls ?? []) if (tc.type === "function") calls.push({ id: tc.id, name: tc.function.name, arguments: tc.function.arguments });
    usage = res.usage;
  } else {
    const stream = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } }, options);
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const delta = chunk.choices[0]?.delta;
      if (delta?.content) {
        text += delta.content;
        request.onTextDelta?.(delta.content);
      }
      for (const tc of delta?.tool_calls ?? []) {
        const slot = (calls[tc.index] ??= { id: "", name: "", arguments: "" });
        if (tc.id) slot.id = tc.id;
        if (tc.function?.name) slot.name += tc.function.name;
        if (tc.function?.arguments) slot.arguments += tc.function.arguments;
      }
    }
  }
  const toolCalls: ToolCallRequest[] = calls
    .filter(Boolean)
    .map((c, i) => ({ callId: c.id || `call_${Date.now()}_${i}`, name: c.name, arguments: c.arguments }));
  const items: HistoryItem[] = [];
  if (text) items.push({ type: "message", role: "assistant", text });
  for (const c of toolCalls) items.push({ type: "function_call", callId: c.callId, name: c.name, arguments: c.arguments });
  return {
    text,
    toolCalls,
    items,
    requestBytes,
    usage: {
      input: usage?.prompt_tokens ?? 0,
      cachedInput: usage?.prompt_tokens_details?.cached_tokens ?? 0,
      output: usage?.completion_tokens ?? 0,
      reasoning: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
    },
  };
}
