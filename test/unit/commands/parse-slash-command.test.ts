import { describe, expect, it } from "vitest";
import { formatCommandHelp, parseSlashCommand } from "../../../src/commands/parse-slash-command.js";

describe("parseSlashCommand", () => {
  it.each([
    ["/agent fix", { kind: "fix", text: "" }],
    ["/agent fix the null check in parse()", { kind: "fix", text: "the null check in parse()" }],
    ["/agent fix\nplease also add a test\n", { kind: "fix", text: "please also add a test" }],
    ["  /agent FIX it", { kind: "fix", text: "it" }],
    ["/agent fix --model gpt-5-mini be brief", { kind: "fix", text: "be brief", model: "gpt-5-mini" }],
    ["/agent fix --model=openai/gpt-5", { kind: "fix", text: "", model: "openai/gpt-5" }],
    ["/agent fix --model o3\nsecond line", { kind: "fix", text: "second line", model: "o3" }],
    ["/agent fix use --model later", { kind: "fix", text: "use --model later" }],
    ["/agent stop", { kind: "stop" }],
    ["/agent help", { kind: "help" }],
    ["/agent", { kind: "help" }],
    ["/agent review", { kind: "review" }],
    ["/agent use the other API instead", { kind: "message", text: "use the other API instead" }],
    ["/agent dance", { kind: "message", text: "dance" }],
  ])("parses %j", (body, expected) => {
    expect(parseSlashCommand(body)).toEqual(expected);
  });

  it.each(["please /agent fix", "> /agent fix\nquoted", "/agentfix", "/agents fix", "hello", ""])("ignores %j", (body) => {
    expect(parseSlashCommand(body)).toBeNull();
  });

  it("uses the configured prefix", () => {
    expect(parseSlashCommand("/bot fix now", "/bot")).toEqual({ kind: "fix", text: "now" });
    expect(parseSlashCommand("/agent fix now", "/bot")).toBeNull();
  });

  it("help lists every command with the prefix", () => {
    const help = formatCommandHelp("/bot");
    for (const c of ["/bot fix", "/bot stop", "/bot review", "/bot help"]) expect(help).toContain(c);
  });
});
