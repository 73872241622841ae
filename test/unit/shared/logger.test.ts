import { generateKeyPairSync } from "node:crypto";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redactLogLine, type Logger } from "../../../src/shared/logger.js";

const CLASSIC_TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
// The secretlint fixture for the stateless format rolled out in 2026 (THREATS.md G4).
const JWT_TOKEN =
  "ghs_12345_eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3NDU1NjgwMDAsImV4cCI6MTc0NTU2ODM2MCwiaXNzIjoiMTIzNDUiLCJzdWIiOiJnaXRodWJ8MTIzNDUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const PRIVATE_KEY = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const WEBHOOK_SECRET = "wh-secret-9f8e7d6c5b4a";
const OPENAI_KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789";
// An operator key with no recognisable shape: only the literal-value list can catch it.
const OPAQUE_API_KEY = "opaque-model-key-5550123";

async function collectingLogger(format: "json" | "pretty" = "json"): Promise<{ log: Logger; output: () => string }> {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const log = await createLogger({ level: "trace", format, secrets: [PRIVATE_KEY, WEBHOOK_SECRET, OPAQUE_API_KEY], destination });
  return { log, output: () => chunks.join("") };
}

const keyBody = PRIVATE_KEY.split("\n")[1] ?? "unreachable";

describe("createLogger redaction", () => {
  it.each([
    ["a classic installation token", CLASSIC_TOKEN],
    ["a ghs_<APPID>_<JWT> installation token", JWT_TOKEN],
    ["the webhook secret", WEBHOOK_SECRET],
    ["an OpenAI-style API key", OPENAI_KEY],
    ["an opaque operator API key", OPAQUE_API_KEY],
  ])("removes %s from messages, objects and errors", async (_name, secret) => {
    const { log, output } = await collectingLogger();
    log.info(`cloning with ${secret}`);
    log.info({ nested: { deeper: [`Authorization: token ${secret}`] } }, "nested");
    log.error(new Error(`request failed for ${secret}`));
    log.error({ err: new Error(`wrapped ${secret}`) }, "with err key");
    log.warn({ error: new Error(`other key ${secret}`) }, "with error key");
    log.child({ name: "probot" }).info("child says %s", secret);
    const text = output();
    expect(text).not.toContain(secret);
    expect(text.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(6);
  });

  it("removes the private key, also when printed with escaped newlines or in a stack", async () => {
    const { log, output } = await collectingLogger();
    log.info(PRIVATE_KEY);
    log.info({ env: { key: PRIVATE_KEY.replace(/\n/g, "\\n") } }, "env dump");
    log.error(new Error(`bad key ${PRIVATE_KEY}`));
    const text = output();
    expect(text).not.toContain(keyBody);
    expect(text).not.toContain("PRIVATE KEY-----\\nMII");
  });

  it("blanks credential fields by name even when the value has no known shape", async () => {
    const { log, output } = await collectingLogger();
    log.info({ privateKey: "x", token: "short", request: { headers: { authorization: "Bearer abc" } }, apiKey: "k" }, "fields");
    const line = JSON.parse(output()) as Record<string, unknown>;
    expect(line).toMatchObject({ privateKey: "[REDACTED]", token: "[REDACTED]", apiKey: "[REDACTED]", request: { headers: { authorization: "[REDACTED]" } } });
  });

  it("keeps lines that hold no secret intact and valid JSON", async () => {
    const { log, output } = await collectingLogger();
    log.info({ repo: "octo/hello", issue: 12 }, "job started");
    expect(JSON.parse(output())).toMatchObject({ msg: "job started", repo: "octo/hello", issue: 12, level: 30 });
  });

  it("redacts in Probot's pretty format too", async () => {
    const { log, output } = await collectingLogger("pretty");
    log.info(`token ${JWT_TOKEN} and ${CLASSIC_TOKEN}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(output()).toContain("[REDACTED]");
    expect(output()).not.toContain("ghs_");
  });

  it("redacts a non-JSON line as text", () => {
    expect(redactLogLine(`plain ${CLASSIC_TOKEN}`, [])).toBe("plain [REDACTED]");
  });

  it("redacts passwords in URLs, including an empty user", () => {
    expect(redactLogLine(JSON.stringify({ url: "redis://:hunter2hunter2@redis:6379" }), [])).toBe('{"url":"redis://:[REDACTED]@redis:6379"}');
    expect(redactLogLine(JSON.stringify({ url: `https://x-access-token:${CLASSIC_TOKEN}@github.com/o/r` }), [])).not.toContain("ghs_");
  });
});
