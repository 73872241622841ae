/**
 * A Probot for tests that load the app and feed it webhooks: a throwaway RSA key (made once per test
 * file), and no retries or throttling, so the strict fake GitHub sees each request exactly once.
 */
import { generateKeyPairSync } from "node:crypto";
import type { Logger } from "pino";
import { Probot, ProbotOctokit } from "probot";

let privateKey: string | undefined;

function testPrivateKey(): string {
  privateKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  }).privateKey;
  return privateKey;
}

export function createTestProbot(log: Logger): Probot {
  return new Probot({
    appId: 1,
    privateKey: testPrivateKey(),
    secret: "s",
    log,
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
  });
}
