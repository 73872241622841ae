/**
 * Credential-shaped test values, generated at test time from a fixed seed in each vendor's
 * documented format (so no live-looking token sits in the source for push protection to trip on),
 * and a helper that scans content as a new file through scanDiffForSecrets, the function the
 * security review and the pre-push check both call.
 */
import { scanDiffForSecrets } from "../../../src/review/scan-secrets.js";
import type { Finding } from "../../../src/review/types.js";

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const ALPHA = {
  b62: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  b64: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
  url: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
  hex: "0123456789abcdef",
  lowerAlnum: "abcdefghijklmnopqrstuvwxyz0123456789",
  upperAlnum: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  base32: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
  letters: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
  digits: "0123456789",
  bech32: "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
};

/** A random string from an alphabet; each call site gets its own stream so adding a test never changes another. */
export function rand(alphabet: string, length: number, seed: number): string {
  const next = prng(seed);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
}

export function uuid(seed: number): string {
  const h = rand(ALPHA.hex, 32, seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

function b64url(text: string): string {
  return Buffer.from(text).toString("base64url");
}

/** Real-format values, one builder per vendor format. */
export const make = {
  awsKeyId: (s = 1) => `AKIA${rand(ALPHA.base32, 16, s)}`,
  awsSecret: (s = 2) => rand(ALPHA.b64, 40, s),
  gcpKey: (s = 3) => `AIzaSy${rand(ALPHA.url, 33, s)}`,
  githubPat: (s = 4) => `ghp_${rand(ALPHA.b62, 36, s)}`,
  githubFineGrained: (s = 5) => `github_pat_${rand(ALPHA.b62, 22, s)}_${rand(ALPHA.b62, 59, s + 1)}`,
  gitlabPat: (s = 6) => `glpat-${rand(ALPHA.url, 20, s)}`,
  npm: (s = 7) => `npm_${rand(ALPHA.b62, 36, s)}`,
  pypi: (s = 8) => `pypi-AgEIcHlwaS5vcmc${rand(ALPHA.url, 70, s)}`,
  openai: (s = 9) => `sk-proj-${rand(ALPHA.url, 74, s)}T3BlbkFJ${rand(ALPHA.url, 74, s + 1)}`,
  anthropic: (s = 10) => `sk-ant-api03-${rand(ALPHA.url, 93, s)}AA`,
  huggingface: (s = 11) => `hf_${rand(ALPHA.letters, 34, s)}`,
  groq: (s = 12) => `gsk_${rand(ALPHA.b62, 52, s)}`,
  slackBot: (s = 13) => `xoxb-${rand(ALPHA.digits, 12, s)}-${rand(ALPHA.digits, 13, s + 1)}-${rand(ALPHA.b62, 24, s + 2)}`,
  slackWebhookPath: (s = 14) => `hooks.slack.com/services/T${rand(ALPHA.upperAlnum, 8, s)}/B${rand(ALPHA.upperAlnum, 10, s + 1)}/${rand(ALPHA.b62, 24, s + 2)}`,
  discordBot: (s = 15) =>
    `${Buffer.from(`1${rand(ALPHA.digits, 17, s)}`)
      .toString("base64")
      .replace(/=+$/, "")}.${rand(ALPHA.url, 6, s + 1)}.${rand(ALPHA.url, 38, s + 2)}`,
  stripeLive: (s = 16) => `sk_live_${rand(ALPHA.b62, 99, s)}`,
  sendgrid: (s = 17) => `SG.${rand(ALPHA.url, 22, s)}.${rand(ALPHA.url, 43, s + 1)}`,
  twilioKey: (s = 18) => `SK${rand(ALPHA.hex, 32, s)}`,
  telegram: (s = 19) => `${rand(ALPHA.digits, 10, s).replace(/^0/, "7")}:AA${rand(ALPHA.url, 33, s + 1)}`,
  azureAdSecret: (s = 20) => `${rand(ALPHA.b62, 3, s)}8Q~${rand(ALPHA.url, 34, s + 1)}`,
  ageKey: (s = 21) => `AGE-SECRET-KEY-1${rand(ALPHA.bech32, 58, s)}`,
  databricks: (s = 22) => `dapi${rand(ALPHA.hex, 32, s)}`,
  doppler: (s = 23) => `dp.pt.${rand(ALPHA.b62, 43, s)}`,
  vault: (s = 24) => `hvs.${rand(ALPHA.url, 95, s)}`,
  shopify: (s = 25) => `shpat_${rand(ALPHA.hex, 32, s)}`,
  onePasswordSecretKey: (s = 26) =>
    `A3-${rand(ALPHA.upperAlnum, 6, s)}-${rand(ALPHA.upperAlnum, 11, s + 1)}-${rand(ALPHA.upperAlnum, 5, s + 2)}-${rand(ALPHA.upperAlnum, 5, s + 3)}-${rand(ALPHA.upperAlnum, 5, s + 4)}`,
  ethereumKey: (s = 27) => `0x${rand(ALPHA.hex, 64, s)}`,
  dockerHub: (s = 28) => `dckr_pat_${rand(ALPHA.url, 27, s)}`,
  tailscale: (s = 29) => `tskey-auth-${rand(ALPHA.b62, 13, s)}-${rand(ALPHA.b62, 33, s + 1)}`,
  jwt: (s = 30) =>
    `${b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${b64url(JSON.stringify({ sub: rand(ALPHA.digits, 9, s), iat: 1767225600, scope: "orders:write" }))}.${rand(ALPHA.url, 43, s + 1)}`,
  pemBody: (s = 31, lines = 6) => Array.from({ length: lines }, (_, i) => rand(ALPHA.b64, 64, s + i)),
  hex: (n: number, s = 40) => rand(ALPHA.hex, n, s),
  b62: (n: number, s = 41) => rand(ALPHA.b62, n, s),
  lowerAlnum: (n: number, s = 42) => rand(ALPHA.lowerAlnum, n, s),
  password: (s = 43) => `${rand(ALPHA.letters, 5, s)}${rand(ALPHA.digits, 3, s + 1)}#${rand(ALPHA.b62, 6, s + 2)}`,
};

/** Scan `content` as a new file named `path`, the way a PR or the agent's own commit adds it. */
export async function scan(path: string, content: string): Promise<Finding[]> {
  const lines = content.split("\n");
  const diff = `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join("\n")}\n`;
  return scanDiffForSecrets(diff);
}

/** `[line, ruleId]` of each finding. */
export async function hits(path: string, content: string): Promise<[number, string][]> {
  return (await scan(path, content)).map((f) => [f.line, f.ruleId ?? ""]);
}

/** `[line, ruleId]` of each real-tier finding (what the pre-push check refuses a push for). */
export async function realHits(path: string, content: string): Promise<[number, string][]> {
  return (await scan(path, content)).filter((f) => !f.placeholder).map((f) => [f.line, f.ruleId ?? ""]);
}

/** `[line, ruleId, severity]` of each placeholder-tier finding: a credential's format with a made-up value. */
export async function placeholderHits(path: string, content: string): Promise<[number, string, string][]> {
  return (await scan(path, content)).filter((f) => f.placeholder).map((f) => [f.line, f.ruleId ?? "", f.severity]);
}
