/**
 * The shared context layer: each kind of look-alike the scan used to report, and the real secrets
 * that sit right next to them and must still be reported. Values are written for these tests.
 */
import { describe, expect, it } from "vitest";
import {
  hasPlaceholderShape,
  isEncrypted,
  isPlaceholder,
  isPlaceholderBody,
  isReference,
  isTemplate,
  isVendorExample,
  looksRandom,
} from "../../../src/review/secret-context.js";
import { hits, make, placeholderHits, realHits } from "./secret-samples.js";

const token = make.b62(32, 200);
const password = make.password(201);

type Quiet = [name: string, path: string, content: string];

const falseAlarms: Record<string, Quiet[]> = {
  "environment and secret-store references": [
    ["a shell expansion", ".env", "DB_PASSWORD=${POSTGRES_PASSWORD}"],
    ["a shell default", "run.sh", 'export API_TOKEN="${API_TOKEN:-}"'],
    ["a shell assign-default from an argument", "run.sh", "SUMO_ACCESS_KEY=${SUMO_ACCESS_KEY:=$2}"],
    ["a password read at run time in PowerShell", "deploy.ps1", "$pw = ConvertTo-SecureString $env:DEPLOY_PASSWORD -AsPlainText -Force"],
    ["a .pgpass line reading the environment", ".pgpass", "*:*:*:app:${PGPASSWORD}"],
    ["a call with a password variable", "client.py", 'r = requests.get(url, auth=("svc_backup", password))'],
    ["a multi-line YAML block under a password key", "help.yaml", "password: |\n  Use at least twelve characters,\n  and never reuse one."],
    ["a subscript in a template language", "login.jinja", "{% set my_password = request.json_body['password'] %}"],
    ["a registry path under a key name", "setup.ps1", '$key = "HKLM:\\Software\\Company"'],
    ["a Windows path under a key's name", "deploy.ini", "signing_key = D:\\Keys\\Contoso2\\prod7"],
    ["a bare `key` holding a hex ID", "cache.yml", `key: ${make.hex(40, 205)}`],
    ["a bare `key` holding a UUID", "flags.json", `{ "key": "${"3c8e1f7a-5b2d-4e9c-a1f0-6d7b8c9e0f12"}" }`],
    ["a bare `key` holding a short code", "dict.yaml", "key: Xk29fQ"],
    ["a CAPTCHA site key (public by design)", "config.yaml", "site_key: 6LcR4cYpAAAAAJ9kT2mXqP3vB8nW1yZ5hL7dF0sQ"],
    ["a compose error-if-unset expansion", "docker-compose.yml", "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}"],
    ["a shell default that is a word", "run.sh", 'export DB_PASSWORD="${DB_PASSWORD:-postgres}"'],
    ["a command substitution", "deploy.sh", "export VAULT_TOKEN=$(vault print token)"],
    ["os.environ", "settings.py", 'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]'],
    ["os.getenv with a name", "settings.py", 'API_TOKEN = os.getenv("API_TOKEN")'],
    ["process.env", "src/config.ts", "export const apiKey = process.env.PAYMENTS_API_KEY ?? '';"],
    ["import.meta.env", "src/env.ts", "const token = import.meta.env.VITE_MAPS_TOKEN;"],
    ["System.getenv", "App.java", 'String password = System.getenv("DB_PASSWORD");'],
    ["Rails credentials", "database.yml", "  password: <%= ENV['DATABASE_PASSWORD'] %>"],
    ["Spring placeholder", "application.properties", "spring.datasource.password=${DB_PASSWORD:}"],
    ["GitHub Actions secret", ".github/workflows/ci.yml", "          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}"],
    ["Terraform variable", "main.tf", "  password = var.db_password"],
    ["Terraform resource attribute", "main.tf", "  password = random_password.db.result"],
    ["CloudFormation !Ref", "stack.yaml", "      MasterUserPassword: !Ref DbPassword"],
    [
      "Kubernetes secretKeyRef",
      "deploy.yaml",
      "        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef:\n              name: db\n              key: password",
    ],
    ["1Password reference", ".env.tpl", "STRIPE_KEY=op://Engineering/Stripe/credential"],
    ["AWS Secrets Manager ARN", "task.json", '{ "name": "API_TOKEN", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-token-AbCdEf" }'],
  ],
  "encrypted values": [
    [
      "a SOPS-encrypted YAML value",
      "secrets.enc.yaml",
      "db_password: ENC[AES256_GCM,data:p6Xk3w==,iv:q8Vn2kR5tW1yB4mC7xE0aD3fG6hJ9lP2sU5=,tag:Zm9vYmFy,type:str]",
    ],
    ["a SOPS-encrypted JSON value", "secrets.enc.json", '  "api_token": "ENC[AES256_GCM,data:Tm90IGEgdG9rZW4=,iv:AAAABBBBCCCC,tag:DDDD,type:str]",'],
    [
      "an Ansible Vault block",
      "group_vars/prod/vault.yml",
      `vault_db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  ${make.hex(80, 202)}\n  ${make.hex(80, 203)}`,
    ],
    ["a Jasypt value", "application.yml", "  password: ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)"],
    ["a Spring Cloud Config cipher", "application.yml", "  password: '{cipher}AQA7Vw2gWgm9Go5ql5FMAUbcBuCUtEBPPDy0+d9Eh5ZymHQ='"],
    ["a value a comment calls encrypted", "aws.env", `# encrypted with KMS before commit\nAWS_SECRET_ACCESS_KEY = ${make.b62(52, 204)}==`],
  ],
  "vendors' documentation examples": [
    ["AWS's example key pair", "README.md", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
    [
      "jwt.io's sample token",
      "docs/auth.md",
      "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ],
    ["RFC 6749's sample access token", "docs/oauth.md", '  "access_token":"2YotnFZFEjr1zCsicMWpAA",'],
  ],
  "translation strings": [
    ["German", "config/locales/de.yml", '  password: "Passwort"'],
    ["French", "src/i18n/fr.json", '  "password": "Mot de passe",'],
    ["Japanese", "locales/ja.json", '  "password": "パスワード",'],
    ["gettext", "po/es.po", 'msgid "Password"\nmsgstr "Contraseña"'],
    ["a label under a password key", "src/strings.ts", '  passwordLabel: "Enter your password",'],
    ["a sentence", "src/messages.ts", '  password: "Password must have at least 12 characters",'],
    ["words joined by underscores", "src/labels.py", 'PASSWORD_LABEL_KEY = "Current_Password_Field"'],
    ["an identifier with acronyms", "src/auth.ts", 'const authToken = "createOAuthAppAuth_HTTPClient";'],
  ],
  "templates and placeholders": [
    ["single-brace URL template", "client.py", 'URL = "https://{USER}:{PASS}@git.internal.example/repo.git"'],
    ["Python format slot", "db.py", 'dsn = "postgresql://{user}:{password}@{host}/{db}"'],
    ["positional slot", "app.cs", 'var conn = string.Format("Server=db;Password={0};", pw);'],
    ["printf slot", "main.go", 'dsn := fmt.Sprintf("postgres://app:%s@db/app", pw)'],
    ["Helm template", "values.yaml", 'password: "{{ .Values.postgresql.auth.password }}"'],
    ["a whole-bracketed placeholder", ".env.example", "API_TOKEN=<your-api-token>"],
    ["REPLACE_WITH_", ".env.example", "SMTP_PASSWORD=REPLACE_WITH_SMTP_PASSWORD"],
    ["replace-with in a URL", "README.md", "mongodb://admin:replace-with-password@localhost:27017"],
    ["your- placeholder", "config.yml", "client_secret: your-client-secret-here"],
    ["asterisks", "screenshot.md", "password: ********"],
    ["changeme", "docker-compose.yml", "      - POSTGRES_PASSWORD=changeme"],
    ["user and password the same", "docker-compose.yml", "DATABASE_URL=postgres://postgres:postgres@db:5432/app"],
  ],
  "sequential and filler values": [
    ["counting digits", "app.env", "API_KEY=1234567890abcdef1234567890abcdef"],
    ["the alphabet", "app.env", "CLIENT_SECRET=abcdefghijklmnopqrstuvwxyz012345"],
    ["a repeated chunk", "app.env", "API_SECRET=ab12ab12ab12ab12ab12ab12ab12"],
    ["a UUID of filler", ".env", "HEROKU_API_KEY=00000000-0000-0000-0000-000000000000"],
  ],
  "the loose Slack pattern": [
    ["an image name", "docs/blog.md", "![](/uploads/xoxo-summer-party-2024-banner.png)"],
    ["a hostname", "dns.txt", "xoxb-staging-api-gateway-01.internal"],
  ],
};

/** A credential's own syntax (vendor prefix, URL user-info) around a made-up value: reported, but as a placeholder at low severity. */
const placeholderTier: [name: string, path: string, content: string, ruleId: string][] = [
  ["a Stripe key of one letter", "billing.env", "STRIPE_KEY=sk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "stripe-live-key"],
  ["alternating-case alphabet in a Slack token", "bot.env", "SLACK_TOKEN=xoxb-123456789012-1234567890123-aBcDeFgHiJkLmNoPqRsTuVwX", "slack-bot-token"],
  ["x filler under a GitHub prefix", "app.env", "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "github-token"],
  ["a password on a documentation host", "README.md", "ftp://deploy:Hunter22!@ftp.example.com/upload", "url-password"],
];

describe("context layer: placeholder tier", () => {
  it.each(placeholderTier)("reports %s as a low-severity placeholder", async (_name, path, content, ruleId) => {
    expect(await placeholderHits(path, content)).toEqual([[1, ruleId, "low"]]);
    expect(await realHits(path, content)).toEqual([]);
  });
});

describe("context layer: false alarms", () => {
  for (const [kind, cases] of Object.entries(falseAlarms)) {
    describe(kind, () => {
      it.each(cases)("stays quiet on %s", async (_name, path, content) => {
        expect(await hits(path, content)).toEqual([]);
      });
    });
  }
});

describe("context layer: real secrets next to the look-alikes", () => {
  it.each([
    ["a literal beside a reference on the same line", "run.sh", `export API_TOKEN=${token} FALLBACK=\${API_TOKEN}`],
    ["a real password with a > inside", "settings.py", 'DB_PASSWORD = "Tr0ub4dor&3>x9q"'],
    ["a URL password on a real host", "worker.env", `REDIS_URL=redis://:${password}@cache.prod.internal:6379/0`],
    ["a token in a value that also holds a template elsewhere in the file", "deploy.yaml", `user: "{{ .Values.user }}"\napi_token: "${token}"`],
    [
      "a random mixed-case letters-only password",
      "src/db.ts",
      'await mongoose.connect("mongodb+srv://admin:AFqizpXwRkTnLoeBuv@cluster0.example-db.net/prod");',
    ],
    // Random letters switch case every letter or two; words (`HARDcoded`, `Mot_de_passe`) do not.
    ["a letters-only token whose case changes at random", "ci.env", "DEPLOY_API_TOKEN=qWfTzRkBvNxLhPgYdJcM_sEoAiUu"],
    ["a letters-only password in underscore-joined chunks", "settings.py", 'SMTP_PASSWORD = "hKwQz_RtYbNv"'],
  ])("finds %s", async (_name, path, content) => {
    expect((await hits(path, content)).length).toBeGreaterThan(0);
  });

  it("treats `<…>` as a placeholder only when it brackets the whole value", () => {
    expect(isPlaceholder("<db-password>")).toBe(true);
    expect(isPlaceholder("Tr0ub4dor&3>x9q")).toBe(false);
    expect(isPlaceholder("a<b>cQ7#kLm2")).toBe(false);
  });

  it("recognises references, templates and ciphertext as such", () => {
    for (const v of ["${X}", "$(cat /run/secrets/x)", "$API_TOKEN", "%APPDATA%", "{{ secrets.X }}", "op://a/b/c", "vault:secret/data/app#token"])
      expect(isReference(v) || isTemplate(v), v).toBe(true);
    for (const v of ["{PASS}", "{0}", "%s", "<token>", "__API_KEY__"]) expect(isTemplate(v), v).toBe(true);
    // `${…}` holds an expression, not any text: a password that merely contains `${` is still a password.
    expect(isTemplate("m{{h}o)p${e]nob(ody[finds>-_$#thisone}")).toBe(false);
    for (const v of ["ENC[AES256_GCM,data:x]", "$ANSIBLE_VAULT;1.1;AES256", "ENC(abc)", "{cipher}abc", "vault:v1:abc"]) expect(isEncrypted(v), v).toBe(true);
    expect(isReference(token)).toBe(false);
  });

  it("judges placeholder shape by repetition, sequences and filler, not by length", () => {
    for (const v of ["AAAAAAAAAAAAAAAA", "0123456789abcdef", "aBcDeFgHiJkLmNoP", "abcabcabcabcabc", "9876543210ZYXWVU", "xxxxxxxx"])
      expect(hasPlaceholderShape(v), v).toBe(true);
    for (let seed = 210; seed < 260; seed++) expect(hasPlaceholderShape(make.b62(32, seed)), `seed ${seed}`).toBe(false);
    for (let seed = 260; seed < 310; seed++) expect(hasPlaceholderShape(make.hex(40, seed)), `seed ${seed}`).toBe(false);
  });

  it("keeps a vendor token whose random body merely ends in a word, but not one spelled from words", () => {
    expect(isPlaceholderBody(`${make.b62(33, 311)}EXAMPLE`)).toBe(false);
    expect(isPlaceholderBody("InstallationTokenGoesHere0000000000")).toBe(true);
    expect(isVendorExample("AKIAIOSFODNN7EXAMPLE")).toBe(true);
    expect(isVendorExample(`AKIA${make.b62(9, 312).toUpperCase()}EXAMPLE`)).toBe(true);
  });

  it("measures randomness against the value's own alphabet", () => {
    expect(looksRandom(make.hex(32, 313))).toBe(true);
    expect(looksRandom("deadbeefdeadbeefdeadbeefdeadbeef")).toBe(false);
    expect(looksRandom("20240101")).toBe(false);
    expect(looksRandom(make.b62(24, 314))).toBe(true);
  });
});
