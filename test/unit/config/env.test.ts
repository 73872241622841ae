import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseEnv as parseDotEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { envSchema, parseEnv, secretValuesOf } from "../../../src/config/env.js";
import { ConfigError } from "../../../src/shared/errors.js";

const PEM = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const CREDENTIALS = { APP_ID: "12345", PRIVATE_KEY: PEM, WEBHOOK_SECRET: "a-long-webhook-secret" };

function messageOf(source: Record<string, string>): string {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe("config/invalid-env");
    return (error as ConfigError).message;
  }
  throw new Error("parseEnv accepted an invalid environment");
}

describe("parseEnv", () => {
  it("runs in setup mode with documented defaults when nothing is set", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      hasCredentials: false,
      PORT: 3000,
      WEBHOOK_PATH: "/api/github/webhooks",
      LOG_LEVEL: "info",
      GHE_PROTOCOL: "https",
      githubApiUrl: "https://api.github.com",
      AGENT_DATA_DIR: path.resolve(".data"),
      AGENT_SANDBOX_MODES: ["read-only", "workspace-write"],
      AGENT_MIN_TRIGGER_PERMISSION: "write",
      AGENT_ALLOW_DISABLE_SECRET_SCAN: false,
    });
    expect(env.privateKey).toBeUndefined();
  });

  it("accepts full credentials and points at GitHub Enterprise when GHE_HOST is set", () => {
    const env = parseEnv({ ...CREDENTIALS, GHE_HOST: "github.example.com", GHE_PROTOCOL: "http", PORT: "8080", REDIS_URL: "redis://127.0.0.1:6379" });
    expect(env.hasCredentials).toBe(true);
    expect(env.privateKey).toBe(PEM);
    expect(env.githubApiUrl).toBe("http://github.example.com/api/v3");
    expect(env.PORT).toBe(8080);
    expect(secretValuesOf(env)).toEqual([PEM, "a-long-webhook-secret"]);
  });

  it.each([
    ["with \\n escapes (one-line .env)", PEM.replace(/\n/g, "\\n")],
    ["base64-encoded", Buffer.from(PEM).toString("base64")],
  ])("reads a PRIVATE_KEY given %s", (_name, value) => {
    expect(parseEnv({ ...CREDENTIALS, PRIVATE_KEY: value }).privateKey).toBe(PEM);
  });

  it("reads the key from PRIVATE_KEY_PATH", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "env-test-")), "app.pem");
    writeFileSync(file, PEM);
    const { PRIVATE_KEY: _unused, ...rest } = CREDENTIALS;
    expect(parseEnv({ ...rest, PRIVATE_KEY_PATH: file }).privateKey).toBe(PEM);
  });

  it.each<[string, Record<string, string>, string]>([
    [
      "a missing WEBHOOK_SECRET with APP_ID (Probot would fall back to 'development')",
      { APP_ID: "1", PRIVATE_KEY: PEM },
      "Invalid environment: WEBHOOK_SECRET: is required when APP_ID is set",
    ],
    [
      "a missing private key with APP_ID",
      { APP_ID: "1", WEBHOOK_SECRET: "s" },
      "Invalid environment: PRIVATE_KEY: is required when APP_ID is set (or set PRIVATE_KEY_PATH)",
    ],
    ["a non-numeric APP_ID", { ...CREDENTIALS, APP_ID: "my-app" }, "Invalid environment: APP_ID: must be the numeric App ID"],
    ["a PORT that is not a number", { PORT: "http" }, 'Invalid environment: PORT: must be a whole number from 1 to 65535, got "http"'],
    ["a PORT out of range", { PORT: "70000" }, 'Invalid environment: PORT: must be a whole number from 1 to 65535, got "70000"'],
    ["an unknown LOG_LEVEL", { LOG_LEVEL: "loud" }, "Invalid environment: LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal, silent"],
    [
      "a GHE_HOST with a scheme",
      { GHE_HOST: "https://github.example.com" },
      "Invalid environment: GHE_HOST: must be a host name without scheme, e.g. github.example.com",
    ],
    ["an unknown GHE_PROTOCOL", { GHE_PROTOCOL: "ftp" }, "Invalid environment: GHE_PROTOCOL: must be https or http"],
    ["a REDIS_URL that is not redis://", { REDIS_URL: "http://localhost:6379" }, "Invalid environment: REDIS_URL: must start with redis:// or rediss://"],
    [
      "an OPENAI_BASE_URL that is not a URL",
      { OPENAI_BASE_URL: "localhost:8000" },
      'Invalid environment: OPENAI_BASE_URL: must be an http(s) URL, got "localhost:8000"',
    ],
    [
      "an unknown sandbox mode",
      { AGENT_SANDBOX_MODES: "read-only,yolo" },
      'Invalid environment: AGENT_SANDBOX_MODES: "yolo" is not allowed: Invalid option: expected one of "read-only"|"workspace-write"|"danger-full-access"',
    ],
    ["a boolean that is not one", { AGENT_ALLOW_DISABLE_SECRET_SCAN: "sure" }, "Invalid environment: AGENT_ALLOW_DISABLE_SECRET_SCAN: must be true or false"],
    ["a negative spend cap", { AGENT_MAX_USD_PER_RUN: "-1" }, 'Invalid environment: AGENT_MAX_USD_PER_RUN: must be a positive number, got "-1"'],
    [
      "a WEBHOOK_PATH without a leading slash",
      { WEBHOOK_PATH: "hooks" },
      "Invalid environment: WEBHOOK_PATH: must be a path starting with /, e.g. /api/github/webhooks",
    ],
    [
      "a PRIVATE_KEY that is not a PEM",
      { ...CREDENTIALS, PRIVATE_KEY: "not a key" },
      'Invalid environment: PRIVATE_KEY: is not a PEM private key (expected "-----BEGIN RSA PRIVATE KEY-----")',
    ],
    [
      "a truncated PEM",
      { ...CREDENTIALS, PRIVATE_KEY: PEM.slice(0, 200) + "\n-----END RSA PRIVATE KEY-----\n" },
      'Invalid environment: PRIVATE_KEY: is not a PEM private key (expected "-----BEGIN RSA PRIVATE KEY-----")',
    ],
    [
      "an unreadable PRIVATE_KEY_PATH",
      { APP_ID: "1", WEBHOOK_SECRET: "s", PRIVATE_KEY_PATH: "/nonexistent/app.pem" },
      'Invalid environment: PRIVATE_KEY_PATH: cannot read "/nonexistent/app.pem" (ENOENT)',
    ],
    [
      "AGENT_MODEL_PRICES that is not JSON",
      { AGENT_MODEL_PRICES: "{gpt: 1}" },
      'Invalid environment: AGENT_MODEL_PRICES: must be a JSON object, e.g. {"my-model": {"input": 1.25, "cachedInput": 0.125, "output": 10}}',
    ],
    [
      "AGENT_MODEL_PRICES that is a JSON array",
      { AGENT_MODEL_PRICES: "[1, 2]" },
      "Invalid environment: AGENT_MODEL_PRICES: must be a JSON object mapping model names to prices",
    ],
    [
      "AGENT_MODEL_PRICES with misspelt keys",
      { AGENT_MODEL_PRICES: '{"my-model":{"in":1,"out":2}}' },
      'Invalid environment: AGENT_MODEL_PRICES: my-model.input: must be a number (USD per million tokens); AGENT_MODEL_PRICES: my-model.output: must be a number (USD per million tokens); AGENT_MODEL_PRICES: my-model: unknown key "in", "out" (allowed: input, cachedInput, output)',
    ],
    [
      "AGENT_MODEL_PRICES with a price as a string",
      { AGENT_MODEL_PRICES: '{"m":{"input":"1.25","output":10}}' },
      "Invalid environment: AGENT_MODEL_PRICES: m.input: must be a number (USD per million tokens)",
    ],
    [
      "AGENT_MODEL_PRICES with a negative price",
      { AGENT_MODEL_PRICES: '{"m":{"input":-1,"output":10}}' },
      "Invalid environment: AGENT_MODEL_PRICES: m.input: must not be negative",
    ],
    [
      "AGENT_MODEL_PRICES with a bare number per model",
      { AGENT_MODEL_PRICES: '{"m":5}' },
      'Invalid environment: AGENT_MODEL_PRICES: m: must be an object like {"input": 1.25, "cachedInput": 0.125, "output": 10}',
    ],
  ])("rejects %s with one line naming the variable", (_name, source, expected) => {
    const message = messageOf(source);
    expect(message).toBe(expected);
    expect(message).not.toContain("\n");
  });

  it("parses a valid AGENT_MODEL_PRICES once, for every consumer", () => {
    const env = parseEnv({ AGENT_MODEL_PRICES: '{"my-model":{"input":1,"cachedInput":0.1,"output":2}}' });
    expect(env.modelPrices).toEqual({ "my-model": { input: 1, cachedInput: 0.1, output: 2 } });
  });

  it("lists every problem at once", () => {
    expect(messageOf({ PORT: "x", LOG_LEVEL: "loud" })).toBe(
      'Invalid environment: PORT: must be a whole number from 1 to 65535, got "x"; LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal, silent',
    );
  });

  it("never echoes the private key or the secret in an error", () => {
    const message = messageOf({
      APP_ID: "x",
      PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nsecretbody\n-----END RSA PRIVATE KEY-----",
      WEBHOOK_SECRET: "topsecretvalue",
    });
    expect(message).not.toContain("secretbody");
    expect(message).not.toContain("topsecretvalue");
  });
});

describe(".env.example", () => {
  const text = readFileSync(new URL("../../../.env.example", import.meta.url), "utf8");

  it("lists every variable the app reads", () => {
    const listed = Object.keys(parseDotEnv(text));
    expect(Object.keys(envSchema.shape).filter((key) => !listed.includes(key))).toEqual([]);
  });

  it("is a valid configuration as shipped (setup mode, all defaults)", () => {
    const env = parseEnv(parseDotEnv(text));
    expect(env.hasCredentials).toBe(false);
    expect(env.PORT).toBe(3000);
  });
});
