/**
 * The same credentials and look-alikes written in twenty file types, the way they are committed:
 * every real-format value is reported whatever the syntax around it, no look-alike is, and filler
 * under a vendor prefix is reported only as a low-severity placeholder.
 */
import { describe, expect, it } from "vitest";
import { hits, make, scan, uuid } from "./secret-samples.js";

const real: [name: string, value: string][] = [
  ["GITHUB_TOKEN", make.githubPat(900)],
  ["AWS_ACCESS_KEY_ID", make.awsKeyId(901)],
  ["AWS_SECRET_ACCESS_KEY", make.awsSecret(902)],
  ["STRIPE_SECRET_KEY", make.stripeLive(903)],
  ["SLACK_BOT_TOKEN", make.slackBot(904)],
  ["OPENAI_API_KEY", make.openai(905)],
  ["SENDGRID_API_KEY", make.sendgrid(906)],
  ["DATADOG_API_KEY", make.hex(32, 907)],
  ["HEROKU_API_KEY", uuid(908)],
  ["DB_PASSWORD", make.password(909)],
  ["JWT_SECRET", make.b62(40, 910)],
  ["NPM_TOKEN", make.npm(911)],
  ["GOOGLE_API_KEY", make.gcpKey(912)],
  ["TWILIO_AUTH_TOKEN", make.hex(32, 913)],
  ["ANTHROPIC_API_KEY", make.anthropic(914)],
  ["DISCORD_BOT_TOKEN", make.discordBot(915)],
  ["AZURE_CLIENT_SECRET", make.azureAdSecret(916)],
  ["MAILGUN_API_KEY", `key-${make.hex(32, 917)}`],
  ["SECRET_KEY_BASE", make.hex(128, 918)],
  ["ENCRYPTION_KEY", make.b62(32, 919)],
];

/** A vendor prefix around filler: reported, only as a low-severity placeholder. */
const fillerUnderPrefix: [name: string, value: string][] = [
  ["GITHUB_TOKEN", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
  ["STRIPE_SECRET_KEY", "sk_live_AAAAAAAAAAAAAAAAAAAAAAAA"],
];

const lookAlikes: [name: string, value: string][] = [
  ["AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"],
  ["DB_PASSWORD", "${DB_PASSWORD}"],
  ["DB_PASSWORD", "changeme"],
  ["API_TOKEN", "<your-api-token>"],
  ["API_TOKEN", "REPLACE_WITH_API_TOKEN"],
  ["API_KEY", "your-api-key-here"],
  ["SECRET_KEY", "ENC[AES256_GCM,data:abcd,iv:efgh,tag:ijkl,type:str]"],
  ["API_KEY", "1234567890abcdef1234567890abcdef"],
  ["CLIENT_SECRET", "aBcDeFgHiJkLmNoPqRsTuVwXyZ"],
  ["PASSWORD", "********"],
  ["TOKEN", "{{ .Values.token }}"],
  ["COMMIT_SHA", make.hex(40, 950)],
  ["REQUEST_ID", uuid(951)],
  ["API_KEY", "sk-..."],
  ["PASSWORD", "Passwort"],
  ["IMAGE_DIGEST", `sha256:${make.hex(64, 952)}`],
];

const fileTypes: [path: string, write: (key: string, value: string) => string][] = [
  [".env", (k, v) => `${k}=${v}`],
  ["config.yaml", (k, v) => `${k.toLowerCase()}: "${v}"`],
  ["config.json", (k, v) => `{ "${k.toLowerCase()}": "${v}" }`],
  ["app.py", (k, v) => `${k} = "${v}"`],
  ["app.js", (k, v) => `const ${k} = '${v}';`],
  ["app.ts", (k, v) => `export const ${k}: string = "${v}";`],
  ["main.go", (k, v) => `var ${k} = "${v}"`],
  ["Main.java", (k, v) => `private static final String ${k} = "${v}";`],
  ["app.rb", (k, v) => `${k} = '${v}'`],
  ["index.php", (k, v) => `$${k} = "${v}";`],
  ["Program.cs", (k, v) => `const string ${k} = "${v}";`],
  ["main.tf", (k, v) => `  ${k.toLowerCase()} = "${v}"`],
  ["web.xml", (k, v) => `<${k}>${v}</${k}>`],
  ["app.properties", (k, v) => `${k.toLowerCase().replace(/_/g, ".")}=${v}`],
  ["app.ini", (k, v) => `${k.toLowerCase()} = ${v}`],
  ["config.toml", (k, v) => `${k.toLowerCase()} = "${v}"`],
  ["deploy.sh", (k, v) => `export ${k}="${v}"`],
  ["Dockerfile", (k, v) => `ENV ${k}=${v}`],
  ["README.md", (k, v) => `Set \`${k}=${v}\` before running.`],
  ["App.kt", (k, v) => `val ${k.toLowerCase()} = "${v}"`],
];

describe("twenty file types", () => {
  it.each(fileTypes.map(([path, write]) => [path, write] as const))("%s: finds every real-format value and none of the look-alikes", async (path, write) => {
    const missed: string[] = [];
    for (const [k, v] of real) if ((await hits(path, write(k, v))).length === 0) missed.push(k);
    const alarms: string[] = [];
    for (const [k, v] of lookAlikes) if ((await hits(path, write(k, v))).length > 0) alarms.push(`${k}=${v}`);
    const notPlaceholder: string[] = [];
    for (const [k, v] of fillerUnderPrefix) {
      const found = await scan(path, write(k, v));
      if (found.length === 0 || found.some((f) => !f.placeholder || f.severity !== "low")) notPlaceholder.push(`${k}=${v}`);
    }
    expect({ missed, alarms, notPlaceholder }).toEqual({ missed: [], alarms: [], notPlaceholder: [] });
  });
});
