/**
 * Secrets spread over lines or wrapped in an encoding (PEM blocks, base64 service-account JSON,
 * Kubernetes Secret data), the promise that no output repeats a secret, and the promise that the
 * pre-push check and the security review report the same findings for the same diff.
 */
import { describe, expect, it } from "vitest";
import { reviewDiff } from "../../../src/review/review-diff.js";
import { scanDiffForSecrets } from "../../../src/review/scan-secrets.js";
import { addedLineList } from "../../../src/workspace/prepare-changes.js";
import { prePushScanner } from "../../../src/workspace/pre-push-scanner.js";
import { hits, make, scan, uuid } from "./secret-samples.js";

const pem = (type: string, seed: number) => [`-----BEGIN ${type}PRIVATE KEY-----`, ...make.pemBody(seed), `-----END ${type}PRIVATE KEY-----`].join("\n");

function serviceAccountJson(seed: number): string {
  return JSON.stringify(
    {
      type: "service_account",
      project_id: "orders-prod-4821",
      private_key_id: make.hex(40, seed),
      private_key: `${pem("", seed + 1)}\n`,
      client_email: "ci-deployer@orders-prod-4821.iam.gserviceaccount.com",
      client_id: make.lowerAlnum(21, seed + 2).replace(/[a-z]/g, "7"),
      token_uri: "https://oauth2.googleapis.com/token",
    },
    null,
    2,
  );
}

describe("multi-line and encoded secrets", () => {
  it.each([
    ["an RSA key", "deploy/id_rsa", pem("RSA ", 300)],
    ["an EC key", "certs/server.key", pem("EC ", 310)],
    ["an OpenSSH key", ".ssh/id_ed25519", pem("OPENSSH ", 320)],
    ["a PKCS#8 key in a JSON string with \\n escapes", "sa.json", `{ "private_key": "${pem("", 330).replace(/\n/g, "\\n")}" }`],
  ])("finds %s on its BEGIN line", async (_name, path, content) => {
    expect(await hits(path, content)).toEqual([[1, "private-key"]]);
  });

  it("does not flag a PEM header used as a format check, or one with an elided body", async () => {
    expect(await hits("src/keys.ts", 'if (!pem.startsWith("-----BEGIN RSA PRIVATE KEY-----")) throw new Error("not a key");')).toEqual([]);
    expect(await hits("docs/keys.md", "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----")).toEqual([]);
    expect(await hits("docs/keys.md", `-----BEGIN PRIVATE KEY-----\n${"A".repeat(64)}\n-----END PRIVATE KEY-----`)).toEqual([]);
  });

  it("finds a service-account key file wrapped in base64 (an env var or a CI secret file)", async () => {
    const b64 = Buffer.from(serviceAccountJson(340)).toString("base64");
    expect((await hits(".github/workflows/deploy.yml", `        GCP_SA_KEY: ${b64}`)).map(([, r]) => r)).toContain("gcp-service-account-key-base64");
  });

  it("finds a PEM key wrapped in base64 (kubeconfig client-key-data)", async () => {
    const b64 = Buffer.from(`${pem("RSA ", 345)}\n`).toString("base64");
    expect(await hits("kubeconfig", `users:\n- name: admin\n  user:\n    client-key-data: ${b64}`)).toEqual([[4, "private-key-base64"]]);
  });

  it("finds a PuTTY private key only when its private lines follow", async () => {
    const ppk = [
      "PuTTY-User-Key-File-3: ssh-ed25519",
      "Encryption: none",
      "Comment: deploy",
      "Public-Lines: 2",
      ...make.pemBody(346, 2),
      "Private-Lines: 1",
      make.pemBody(348, 1)[0],
      "Private-MAC: " + make.hex(64, 349),
    ].join("\n");
    expect((await hits("keys/deploy.ppk", ppk)).map(([, r]) => r)).toEqual(["putty-private-key"]);
    expect(await hits("docs/putty.md", "The file then has a `Private-Lines: 1` header.")).toEqual([]);
  });

  it("does not flag a base64-wrapped JSON document that holds no key", async () => {
    const b64 = Buffer.from(JSON.stringify({ type: "service_account", project_id: "orders-prod", note: "x".repeat(300) })).toString("base64");
    expect(await hits("ci.yml", `GCP_CONFIG: ${b64}`)).toEqual([]);
  });

  it("decodes the data of a Kubernetes Secret and judges each value by its key", async () => {
    const real = Buffer.from(make.password(350)).toString("base64");
    const weak = Buffer.from("changeme").toString("base64");
    const yaml = [
      "apiVersion: v1",
      "kind: Secret",
      "metadata:",
      "  name: db",
      "type: Opaque",
      "data:",
      `  password: ${real}`,
      `  backup_password: ${weak}`,
      "  username: YXBw",
    ].join("\n");
    expect(await hits("k8s/db-secret.yaml", yaml)).toEqual([[7, "kubernetes-secret-data"]]);
  });

  it("pairs a name and a value on separate lines (Terraform, Kubernetes env, Hadoop XML)", async () => {
    const value = make.b62(32, 360);
    expect((await hits("variables.tf", `variable "api_token" {\n  sensitive = true\n  default   = "${value}"\n}`)).map(([l]) => l)).toEqual([3]);
    expect((await hits("pod.yaml", `  - name: CLIENT_SECRET\n    value: ${value}`)).map(([l]) => l)).toEqual([2]);
    expect(
      (await hits("hdfs-site.xml", `<property>\n  <name>dfs.webhdfs.oauth2.credential</name>\n  <value>${value}</value>\n</property>`)).map(([l]) => l),
    ).toEqual([3]);
  });

  it("does not pair lines across hunks", async () => {
    const diff = [
      "diff --git a/settings.xml b/settings.xml",
      "--- a/settings.xml",
      "+++ b/settings.xml",
      "@@ -10,0 +11,1 @@",
      "+<sentryToken>",
      "@@ -40,0 +42,1 @@",
      `+    ${make.hex(64, 362)}`,
      "",
    ].join("\n");
    expect(await scanDiffForSecrets(diff)).toEqual([]);
  });
});

describe("findings never repeat the secret", () => {
  const secrets = [
    make.githubPat(400),
    make.stripeLive(401),
    make.awsSecret(402),
    make.password(403),
    make.hex(32, 404),
    uuid(405),
    make.slackWebhookPath(406),
  ];
  const content = [
    `GH_TOKEN=${secrets[0]}`,
    `stripe_key: "${secrets[1]}"`,
    `aws_secret_access_key = ${secrets[2]}`,
    `DB_PASSWORD=${secrets[3]}`,
    `DATADOG_API_KEY=${secrets[4]}`,
    `HEROKU_API_KEY=${secrets[5]}`,
    `ALERTS=https://${secrets[6]}`,
  ].join("\n");

  it("shows a masked prefix and the length, nothing more, in every field of every finding", async () => {
    const found = await scan("ops/.env", content);
    expect(found.map((f) => f.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const text = JSON.stringify(found);
    for (const s of secrets) {
      // No 8-character window of a secret appears anywhere in the output (the masked prefix is at most 6).
      for (let i = 0; i + 8 <= s.length; i++) expect(text).not.toContain(s.slice(i, i + 8));
    }
    expect(text).toContain("…(");
  });

  it("gives the pre-push check titles that name no secret", async () => {
    const scanner = await prePushScanner();
    const found = await scanner("ops/.env", addedLineList("", `${content}\n`));
    expect(found.length).toBeGreaterThan(0);
    const text = JSON.stringify(found);
    for (const s of secrets) expect(text).not.toContain(s.slice(4, 12));
  });
});

describe("pre-push check and security review agree", () => {
  it("report the same secrets, at the same lines, for the same diff", async () => {
    const files: [string, string][] = [
      ["src/payments.ts", `const client = new Stripe("${make.stripeLive(500)}");\nconst apiKey = process.env.STRIPE_KEY;`],
      ["deploy/values.yaml", `api_token: "${make.b62(32, 501)}"\npassword: "{{ .Values.password }}"`],
      [".env", `DATADOG_API_KEY=${make.hex(32, 502)}\nHEROKU_API_KEY=${uuid(503)}\nDB_PASSWORD=changeme`],
      ["infra/main.tf", `variable "db_password" {\n  default = "${make.password(504)}"\n}`],
      ["docs/setup.md", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"],
      // Placeholder tier: both report it, marked as such (the pre-push check then lets it through).
      ["docs/billing.md", "STRIPE_SECRET_KEY=sk_live_ZYXWVUTSRQPONMLKJIHGFEDC\nmirror: https://user:pass@example.com/app.git"],
    ];
    const diff = files
      .map(([path, body]) => {
        const lines = body.split("\n");
        return `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join("\n")}`;
      })
      .join("\n")
      .concat("\n");

    // The pre-push check scans each new file's added lines as the workspace worker does.
    const scanner = await prePushScanner();
    const prePushHits = (await Promise.all(files.map(([path, body]) => scanner(path, addedLineList("", `${body}\n`))))).flat();
    const prePush = prePushHits.map((h) => `${h.path}:${h.line}:${h.title}${h.placeholder ? ":placeholder" : ""}`).sort();
    const review = await reviewDiff({ diff, config: { secretScan: true, modelReview: false, ignorePaths: [], minSeverity: "low" }, osv: false });
    const reviewed = review.findings
      .filter((f) => f.source === "secrets")
      .map((f) => `${f.path}:${f.line}:${f.title}${f.placeholder ? ":placeholder" : ""}`)
      .sort();

    expect(prePush).toEqual(reviewed);
    expect(prePush).toEqual(
      [
        "src/payments.ts:1:Stripe live secret key committed",
        "deploy/values.yaml:1:Hard-coded secret (high-entropy value) committed",
        ".env:1:Datadog API or application key committed",
        ".env:2:Heroku API key committed",
        "infra/main.tf:2:Hard-coded password committed",
        "docs/billing.md:1:Stripe live secret key committed (looks like a placeholder):placeholder",
        "docs/billing.md:2:Password in a URL committed (looks like a placeholder):placeholder",
      ].sort(),
    );
  });
});
