/**
 * Values without a vendor prefix: provider keys recognised by the key they are assigned to
 * (secret-keyed-rules.ts), the generic password/secret/token rule, and every assignment syntax the
 * reader understands (secret-assignments.ts). Hex strings and UUIDs count when the key names a
 * credential; the same shapes under hash, ID or version keys do not.
 */
import { describe, expect, it } from "vitest";
import { findAssignments } from "../../../src/review/secret-assignments.js";
import { classifyKey } from "../../../src/review/scan-generic-secrets.js";
import { KEYED_RULES, keyedRulesFor } from "../../../src/review/secret-keyed-rules.js";
import { hits, make, scan, uuid } from "./secret-samples.js";

const hex32 = make.hex(32, 100);
const hex40 = make.hex(40, 101);
const hex64 = make.hex(64, 102);
const id = uuid(103);
const token = make.b62(32, 104);
const password = make.password(105);

describe("keyword-anchored vendor keys (no prefix in the value)", () => {
  it.each([
    ["Datadog API key, 32 hex, in .env", ".env", `DATADOG_API_KEY=${hex32}`, "datadog-key"],
    ["Datadog application key, 40 hex, in YAML", "datadog.yaml", `dd_app_key: "${hex40}"`, "datadog-key"],
    ["Heroku API key, a UUID", ".env", `HEROKU_API_KEY=${id}`, "heroku-api-key"],
    ["Heroku API key in a Makefile", "Makefile", `heroku_api_key ?= ${id}`, "heroku-api-key"],
    ["HubSpot key in JSON", "hubspot.json", `{ "hubspotApiKey": "${uuid(106)}" }`, "hubspot-api-key"],
    ["Sentry auth token, 64 hex", "sentry.properties", `sentry.auth.token=${hex64}`, "sentry-token"],
    ["Snyk token, a UUID", ".github/env", `SNYK_TOKEN=${uuid(107)}`, "snyk-token"],
    ["Mailchimp key with its data-centre suffix", "newsletter.py", `MAILCHIMP_API_KEY = "${make.hex(32, 108)}-us14"`, "mailchimp-api-key"],
    ["Okta API token", "okta.env", `OKTA_API_TOKEN=00${make.b62(40, 109)}`, "okta-token"],
    ["Twitter API secret, 50 base36", "bot.cfg", `twitter_api_secret = ${make.lowerAlnum(50, 110)}`, "twitter-api-secret"],
    ["an XML element whose value is on the next line", "settings.xml", `<sentryToken>\n    ${make.hex(64, 112)}\n</sentryToken>`, "sentry-token"],
  ])("finds %s", async (_name, path, content, ruleId) => {
    expect((await hits(path, content)).map(([, r]) => r)).toContain(ruleId);
  });

  it.each([
    ["a Datadog site name", ".env", "DATADOG_SITE=datadoghq.eu"],
    ["a Heroku app ID (an identifier, not a key)", "app.json", `{ "heroku_app_id": "${id}" }`],
    ["a Sentry DSN host", "sentry.properties", "sentry.url=https://sentry.internal.example.net/"],
    ["a commit SHA", "deploy.yaml", `commit_sha: ${hex40}`],
    ["a checksum", "manifest.json", `{ "sha256": "${hex64}" }`],
    ["an ETag", "cache.json", `"etag": "${hex32}"`],
    ["a request ID", "log.json", `{ "request_id": "${id}", "status": 200 }`],
    ["a Snyk token of filler", ".env", "SNYK_TOKEN=12345678-ABCD-ABCD-ABCD-1234567890AB"],
    [
      "an Entra ID tenant and client ID (identifiers, public by design)",
      ".github/workflows/deploy.yml",
      `          client-id: ${uuid(111)}\n          tenant-id: ${uuid(112)}\n          AZURE_CLIENT_ID: ${uuid(113)}`,
    ],
    ["an OAuth client ID", "config/oauth.yml", "asana_client_id: 1204567812345678"],
  ])("stays quiet on %s", async (_name, path, content) => {
    expect(await hits(path, content)).toEqual([]);
  });

  it("reports publishable keys (meant for client code) at low severity, with advice to restrict them", async () => {
    const found = await scan(
      "src/map.js",
      `mapboxgl.accessToken = 'pk.${make.lowerAlnum(60, 114)}.${make.lowerAlnum(22, 115)}';\nconst stripe = Stripe("pk_live_${make.b62(40, 116)}");`,
    );
    expect(found.map((f) => [f.line, f.ruleId, f.severity])).toEqual([
      [1, "mapbox-public-token", "low"],
      [2, "stripe-publishable-key", "low"],
    ]);
    expect(found[0]?.explanation).toMatch(/restricted/);
  });

  it("matches vendor names by their case where a word would collide (`sumOfValues` is not Sumo Logic)", () => {
    expect(keyedRulesFor("SUMO_ACCESS_KEY").map((r) => r.id)).toContain("sumologic-access-key");
    expect(keyedRulesFor("sumOfValues")).toEqual([]);
    expect(keyedRulesFor("oktaApiToken").map((r) => r.id)).toContain("okta-token");
    expect(keyedRulesFor("rookTable")).toEqual([]);
  });

  it("anchors every keyed value pattern and names every rule's vendor", () => {
    for (const r of KEYED_RULES) {
      expect(r.value.source.startsWith("^")).toBe(true);
      expect(r.value.source.endsWith("$")).toBe(true);
      expect(r.vendors.length).toBeGreaterThan(0);
    }
  });
});

describe("generic rule: what a key name announces", () => {
  it.each([
    ["DB_PASSWORD", "password"],
    ["spring.datasource.password", "password"],
    ["--requirepass", "password"],
    ["adminPassword", "password"],
    ["client_secret", "key"],
    ["API_TOKEN", "key"],
    ["x-api-key", "key"],
    ["STRIPE_KEY", "key"],
    ["signingKey", "key"],
    ["db_password2", "password"],
    ["api_token_01", "key"],
  ])("%s names a %s", (key, kind) => {
    expect(classifyKey(key)).toBe(kind);
  });

  it.each([
    "password_hash",
    "token_type",
    "secret_name",
    "api_key_id",
    "publicKey",
    "csrf_token",
    "next_page_token",
    "cache_key",
    "max_tokens",
    "passwordless",
    "bypass",
    "keyVaultName",
    "key_size",
    "hcaptcha_site_key",
  ])("%s names no credential", (key) => {
    expect(classifyKey(key)).toBeNull();
  });
});

describe("assignment syntaxes", () => {
  it.each([
    ["Go var with a type", "main.go", `var apiToken string = "${token}"`],
    ["Go short declaration", "main.go", `apiToken := "${token}"`],
    ["Go raw string", "main.go", `apiToken := \`${token}\``],
    ["TypeScript annotation", "src/conf.ts", `const apiToken: string = "${token}";`],
    ["Kotlin val with a type", "Conf.kt", `val apiToken: String = "${token}"`],
    ["Java System.setProperty", "Main.java", `System.setProperty("PAYMENTS_API_TOKEN", "${token}");`],
    ["PHP define()", "wp-config.php", `define( 'DB_PASSWORD', '${password}' );`],
    ["PHP define() of a numbered name, with the case-insensitive flag", "config.php", `define("REPLICA_PASSWORD_2", "${password}", true);`],
    ["PHP string concat assignment", "index.php", `$dbPassword .= "${password}";`],
    ["Ruby keyword argument", "client.rb", `Api::Client.new(api_key: "${token}", timeout: 5)`],
    ["Ruby hash rocket with a symbol", "config.rb", `{ :password => "${password}" }`],
    ["Python keyword arguments", "db.py", `psycopg2.connect(host="db", user="app", password="${password}")`],
    [".netrc", ".netrc", `machine git.internal.example login deploy password ${password}`],
    ["URL user-info (AMQP)", "worker.env", `BROKER_URL=amqp://orders:${password}@mq.internal:5672/prod`],
    ["URL user-info (HTTPS)", "mirror.sh", `git clone https://ci-bot:${password}@git.internal.net/tools.git`],
    ["long CLI flag with =", "ops.sh", `vault login --token=${token}`],
    ["long CLI flag with a space", "ops.sh", `pulumi login --access-token ${token}`],
    ["mysql -p", "backup.sh", `mysqldump -u backup -p${password} shop > shop.sql`],
    ["curl -u user:password", "smoke.sh", `curl -fsS -u deploy:${password} https://registry.internal/v2/`],
    ["curl --proxy-user user:password", "smoke.sh", `curl -x http://proxy.internal:3128 --proxy-user squid:${password} https://api.internal/v1/`],
    ["a numbered password variable in Go", "main.go", `replicaPassword2 := "${password}"`],
    ["curl --user with a quoted password", "smoke.sh", `curl --user deploy:'${password}' -X PATCH https://api.internal/v1/flags`],
    [
      "curl -u on a continuation line",
      "smoke.sh",
      `curl -fsS -X POST https://api.internal/v1/jobs \\\n  -H 'Content-Type: application/json' \\\n  -u deploy:${password}`,
    ],
    ["sshpass -p", "sync.sh", `sshpass -p '${password}' rsync -a build/ web:/srv`],
    ["compose environment list", "docker-compose.yml", `    environment:\n      - POSTGRES_PASSWORD=${password}`],
    ["compose command array with a flag", "docker-compose.yml", `    command: ["server", "--api-key", "${token}"]`],
    ["Dockerfile ENV with a space", "Dockerfile", `ENV API_SECRET ${token}`],
    ["Terraform attribute", "main.tf", `  master_password = "${password}"`],
    ["Terraform variable default", "variables.tf", `variable "db_password" {\n  type    = string\n  default = "${password}"\n}`],
    ["App.config add key/value", "App.config", `<add key="StorageSecret" value="${token}" />`],
    ["Hadoop name/value property", "core-site.xml", `<property>\n  <name>fs.s3a.secret.key</name>\n  <value>${token}</value>\n</property>`],
    ["Kubernetes env name/value", "deploy.yaml", `        - name: API_TOKEN\n          value: "${token}"`],
    ["Postman environment key/value", "env.postman_environment.json", `    {\n      "key": "client_secret",\n      "value": "${token}",`],
    ["PowerShell $env:", "deploy.ps1", `$env:API_TOKEN = "${token}"`],
    ["C #define", "config.h", `#define API_SECRET "${token}"`],
    ["Makefile ::=", "Makefile", `DEPLOY_TOKEN ::= ${token}`],
    ["properties file", "application.properties", `spring.datasource.password=${password}`],
    ["JSON string holding an env file", "bundle.json", `{"app.env": "LOG_LEVEL=info\\nAPI_TOKEN=${token}\\nPORT=8080"}`],
    ["Authorization header with Basic credentials", "api.http", `Authorization: Basic ${Buffer.from(`svc-orders:${password}`).toString("base64")}`],
    ["X-API-Key header in code", "client.ts", `headers: { "X-API-Key": "${token}" },`],
    ["a password with < and > in it", "settings.py", `DB_PASSWORD = "Tr0ub4dor&3>x9q"`],
    ["a comparison with a literal", "auth.py", `if password == "${password}":`],
    ["a comparison with the literal first", "auth.js", `if ("${password}" === password) {`],
    ["an array-append assignment", "config.php", `$password[] = "${password}";`],
    ["a directive with a quoted argument (nginx)", "site.conf", `    set $api_key "${token}";`],
    ["a DSL call with a quoted argument (Chef)", "recipes/db.rb", `  password "${password}"`],
    ["a property list key/string pair", "Info.plist", `<key>API_SECRET</key>\n<string>${token}</string>`],
    ["a notebook cell (a string inside JSON)", "analysis.ipynb", `    "api_key = \\"${token}\\"\\n",`],
    [
      "Docker registry auth (base64 user:password)",
      ".docker/config.json",
      `{"auths":{"registry.internal":{"auth":"${Buffer.from(`ci-bot:${password}`).toString("base64")}"}}}`,
    ],
    ["an ADO.NET connection string", "appsettings.json", `"Default": "Server=sql01;Database=shop;User ID=shop_app;Password=${password};"`],
    ["SQL IDENTIFIED BY", "init.sql", `CREATE USER 'app'@'%' IDENTIFIED BY '${password}';`],
    ["SQL PASSWORD", "init.sql", `ALTER ROLE app WITH LOGIN PASSWORD '${password}';`],
    ["a JDBC URL query parameter", "db.properties", `url=jdbc:mysql://db:3306/shop?user=app&password=${password}`],
    ["a key-named 32-hex value in INI", "app.ini", `[payments]\napi_key = ${make.hex(32, 120)}`],
    ["a key-named UUID", "config.yml", `webhook_secret: ${uuid(121)}`],
    [
      "a YAML one-line block scalar",
      "values.yaml",
      `smtp:
  password: >-
    ${password}
port: 587`,
    ],
    ["a libpq conninfo string", "db.py", `conn = psycopg2.connect("host=db dbname=shop user=app password=${password} sslmode=require")`],
    ["Rust &str constant", "src/config.rs", `const API_TOKEN: &str = "${token}";`],
    ["docker login -p", "Jenkinsfile", `sh "docker login -u ci -p ${password} registry.internal"`],
    ["mongosh -p", "seed.sh", `mongosh -u admin -p ${password} --authenticationDatabase admin`],
    ["C# NetworkCredential", "Mailer.cs", `var cred = new NetworkCredential("alerts", "${password}");`],
    ["requests auth tuple", "client.py", `r = requests.get(url, auth=("svc_backup", "${password}"))`],
    ["JDBC getConnection with user and password", "Db.java", `DriverManager.getConnection("jdbc:postgresql://db/shop", "app", "${password}");`],
    ["PHP mysqli constructor", "db.php", `$db = new mysqli("db", "shop_app", "${password}", "shop");`],
    ["PowerShell ConvertTo-SecureString -AsPlainText", "deploy.ps1", `$pw = ConvertTo-SecureString "${password}" -AsPlainText -Force`],
    [".pgpass", ".pgpass", `db.internal:5432:shop:app:${password}`],
    ["an apikey with symbols a header token never has", "service.yaml", `apikey: "${password}!x"`],
    ["a bare `key` holding a long random value", "client.json", `{ "key": "${make.b62(30, 123)}" }`],
    ["a YAML !!binary value", "secrets.yaml", `signing_secret: !!binary ${Buffer.from(make.b62(30, 122)).toString("base64")}`],
  ])("reads %s", async (_name, path, content) => {
    expect((await hits(path, content)).length).toBeGreaterThan(0);
  });

  it("reports the value's own line, also when the name is on the line above", async () => {
    expect((await hits("deploy.yaml", `env:\n  - name: API_TOKEN\n    value: "${token}"`)).map(([l]) => l)).toEqual([3]);
    expect((await hits("settings.xml", `<a>\n<sentryToken>\n  ${make.hex(64, 122)}\n</sentryToken>`)).map(([l]) => l)).toEqual([3]);
  });

  it("stays linear on hostile lines (long chains of operators, quotes, URLs)", () => {
    const started = performance.now();
    for (const line of ["a=".repeat(1999), "k: ".repeat(1300), 'p="'.repeat(1300), "http://u:p@h ".repeat(300), "<a>".repeat(1300), "--token ".repeat(500)]) {
      const lines = Array.from({ length: 20 }, () => line);
      for (let i = 0; i < lines.length; i++) findAssignments({ path: "x.yaml", lines, i, nextIsAdjacent: true });
    }
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("gives the reader's key, value and position for a typed declaration", () => {
    const lines = [`var apiToken string = "${token}"`];
    const [a] = findAssignments({ path: "main.go", lines, i: 0, nextIsAdjacent: false });
    expect(a?.key).toBe("apiToken");
    expect(a?.value).toBe(token);
    expect(lines[0]?.slice(a?.index ?? 0, (a?.index ?? 0) + token.length)).toBe(token);
  });

  it.each([
    ["an identifier on the right-hand side in code", "src/a.ts", "const apiToken = config.apiToken;"],
    ["a call on the right-hand side", "src/a.py", "password = get_password(user)"],
    ["a class name paired with a module in a call", "six.py", 'MovedAttribute("HTTPPasswordMgr", "urllib2", "urllib.request"),'],
    ["a letters-only password that is a word", "config.yml", "db_password: hunter"],
    ["an enum of choices", "jmx.properties", "jmxremote.password.toHashes = true|false"],
    ["a file path under a key name", "app.yml", "tls_private_key: /etc/ssl/private/api.key"],
    ["an object path", "upload.yml", "signing_key: uploads/2024/keys/archive.json"],
    ["a bcrypt hash stored as a password", "users.yml", `password: "$2b$12$${make.b62(53, 123)}"`],
    ["a version string", "deps.yml", "access_token_version: 2.4.1"],
    ["a value made of words", "test/app.ts", 'const OPAQUE_API_KEY = "opaque-model-key-5550123";'],
    ["a comparison with an empty or sentinel value", "auth.ts", 'if (token === "undefined" || password !== "") return;'],
    ["Docker registry auth of a placeholder pair", ".docker/config.json", `{"auths":{"r":{"auth":"${Buffer.from("user:password").toString("base64")}"}}}`],
    ["a hex value the line calls a hash", "release.yml", `signing_key: ${make.hex(64, 125)}  # sha256 of the release key, not the key`],
    ["a YAML alias", "compose.yml", "      password: *db_password"],
    ["a JSON schema for a password field", "schema.yml", "password: {type: string, minLength: 12}"],
    ["lock file integrity", "package-lock.json", `      "integrity": "sha512-${make.b62(86, 124)}=="`],
  ])("stays quiet on %s", async (_name, path, content) => {
    expect(await hits(path, content)).toEqual([]);
  });
});
