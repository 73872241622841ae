import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeModel, type FakeModel } from "../../helpers/fake-model.js";

let model: FakeModel | undefined;
afterEach(async () => {
  await model?.close();
  model = undefined;
});

describe("fake model server", () => {
  it("answers the Responses API streamed and not, with tool calls and usage", async () => {
    model = await startFakeModel({
      script: [{ text: "hello", toolCalls: [{ name: "shell", arguments: { command: ["ls"] } }], reasoning: "think" }, { text: "plain" }],
    });
    const client = new OpenAI({ baseURL: model.baseURL, apiKey: "sk-test", maxRetries: 0 });
    const stream = await client.responses.create({ model: "m", input: "hi", stream: true });
    const types: string[] = [];
    let completed: OpenAI.Responses.Response | undefined;
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === "response.completed") completed = ev.response;
    }
    expect(types).toContain("response.output_text.delta");
    expect(completed?.output.map((o) => o.type)).toEqual(["reasoning", "message", "function_call"]);
    const plain = await client.responses.create({ model: "m", input: "again" });
    expect(plain.output_text).toBe("plain");
    expect(plain.usage?.input_tokens).toBeGreaterThan(0);
    expect(model.requests.map((r) => r.stream)).toEqual([true, false]);
    expect(model.requests[0]?.body.input).toBe("hi");
  });

  it("answers Chat Completions streamed and not, and scripted errors", async () => {
    model = await startFakeModel({
      script: [{ error: { status: 429, retryAfter: "0" } }, { toolCalls: [{ name: "read_file", arguments: { file_path: "a" } }] }, { text: "done" }],
    });
    const client = new OpenAI({ baseURL: model.baseURL, apiKey: "sk-test", maxRetries: 0 });
    await expect(client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({ status: 429 });
    const stream = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let args = "";
    let usage = 0;
    for await (const chunk of stream) {
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? "";
      usage = chunk.usage?.prompt_tokens ?? usage;
    }
    expect(JSON.parse(args)).toEqual({ file_path: "a" });
    expect(usage).toBeGreaterThan(0);
    const done = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] });
    expect(done.choices[0]?.message.content).toBe("done");
  });
});
