/**
 * Provider credential formats secretlint's recommended preset misses or only finds in one syntax
 * (measured on fixtures/review/secrets: see test/unit/review/secret-corpus.test.ts). Each regex is
 * anchored on a fixed prefix so it runs in linear time; group 1 (or the whole match) is the secret.
 */
import type { Severity } from "./types.js";

export interface SecretRule {
  id: string;
  title: string;
  severity: Severity;
  /** Global regex; capture group 1 is the secret when present, else the whole match. */
  pattern: RegExp;
  /** Cheap case-sensitive substring prefilter: the line must contain one of these. */
  needles: readonly string[];
}

export const SECRET_RULES: readonly SecretRule[] = [
  { id: "aws-access-key-id", title: "AWS access key ID", severity: "critical", pattern: /\b((?:AKIA|ASIA|ABIA|ACCA|AROA|AIDA)[A-Z0-9]{16})\b/g, needles: ["AKIA", "ASIA", "ABIA", "ACCA", "AROA", "AIDA"] },
  {
    id: "aws-secret-access-key",
    title: "AWS secret access key",
    severity: "critical",
    pattern: /(?:aws|AWS|Aws)[A-Za-z0-9_.-]{0,30}(?:secret|SECRET|Secret)[A-Za-z0-9_.-]{0,20}["']?\s*(?:[:=]|:=|=>)\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/g,
    needles: ["aws", "AWS", "Aws"],
  },
  { id: "github-installation-token", title: "GitHub App installation token", severity: "critical", pattern: /\b(ghs_\d{1,20}_[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/g, needles: ["ghs_"] },
  { id: "github-token", title: "GitHub token", severity: "critical", pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,255})\b/g, needles: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] },
  { id: "github-fine-grained-pat", title: "GitHub fine-grained personal access token", severity: "critical", pattern: /\b(github_pat_[A-Za-z0-9_]{60,255})\b/g, needles: ["github_pat_"] },
  { id: "gitlab-token", title: "GitLab token", severity: "critical", pattern: /\b((?:glpat|glptt|gldt|glrt|glsoat|glcbt|gloas|glft|glimt|glagent)-[A-Za-z0-9_-]{20,})/g, needles: ["gl"] },
  { id: "slack-token", title: "Slack token", severity: "critical", pattern: /\b(xox[abposre]-(?:\d+-)?[A-Za-z0-9-]{10,})/g, needles: ["xox"] },
  { id: "slack-webhook", title: "Slack incoming webhook URL", severity: "high", pattern: /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/+-]{20,})/g, needles: ["hooks.slack.com"] },
  { id: "stripe-live-key", title: "Stripe live secret key", severity: "critical", pattern: /\b((?:sk|rk)_live_[A-Za-z0-9]{20,})/g, needles: ["_live_"] },
  { id: "stripe-test-key", title: "Stripe test-mode secret key", severity: "low", pattern: /\b((?:sk|rk)_test_[A-Za-z0-9]{20,})/g, needles: ["_test_"] },
  { id: "gcp-api-key", title: "Google API key", severity: "high", pattern: /\b(AIza[A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])/g, needles: ["AIza"] },
  { id: "gcp-oauth-client-secret", title: "Google OAuth client secret", severity: "high", pattern: /\b(GOCSPX-[A-Za-z0-9_-]{28})/g, needles: ["GOCSPX-"] },
  { id: "npm-token", title: "npm access token", severity: "critical", pattern: /\b(npm_[A-Za-z0-9]{36})\b/g, needles: ["npm_"] },
  { id: "npmrc-auth", title: "npm registry auth token", severity: "critical", pattern: /:_(?:authToken|auth|password)\s*=\s*["']?([^\s"'$]{12,})/g, needles: [":_auth", ":_password"] },
  { id: "pypi-token", title: "PyPI API token", severity: "critical", pattern: /\b(pypi-AgE[A-Za-z0-9_-]{50,})/g, needles: ["pypi-AgE"] },
  { id: "openai-key", title: "OpenAI API key", severity: "critical", pattern: /\b(sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,})/g, needles: ["T3BlbkFJ"] },
  { id: "openai-project-key", title: "OpenAI API key", severity: "critical", pattern: /\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,})/g, needles: ["sk-proj-", "sk-svcacct-", "sk-admin-"] },
  { id: "anthropic-key", title: "Anthropic API key", severity: "critical", pattern: /\b(sk-ant-(?:api|admin|oat|ort)\d{2}-[A-Za-z0-9_-]{40,})/g, needles: ["sk-ant-"] },
  { id: "twilio-api-key", title: "Twilio API key", severity: "high", pattern: /\b(SK[0-9a-f]{32})\b/g, needles: ["SK"] },
  {
    id: "twilio-auth-token",
    title: "Twilio auth token",
    severity: "critical",
    pattern: /(?:twilio|TWILIO|Twilio)[A-Za-z0-9_.-]{0,20}(?:token|TOKEN|Token)["']?\s*(?:[:=]|:=|=>)\s*["']?([0-9a-f]{32})\b/g,
    needles: ["twilio", "TWILIO", "Twilio"],
  },
  { id: "sendgrid-key", title: "SendGrid API key", severity: "critical", pattern: /\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})/g, needles: ["SG."] },
  { id: "azure-storage-key", title: "Azure connection string key", severity: "critical", pattern: /(?:AccountKey|SharedAccessKey|AccessKey)=([A-Za-z0-9+/]{30,}={0,2})/g, needles: ["AccountKey=", "SharedAccessKey=", "AccessKey="] },
  { id: "azure-sas-signature", title: "Azure SAS token signature", severity: "high", pattern: /[?&]sig=([A-Za-z0-9%+/]{30,}(?:%3D|=){0,2})/g, needles: ["sig="] },
  {
    id: "database-url-password",
    title: "Database URL with a password",
    severity: "critical",
    pattern: /\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|cockroachdb|clickhouse)(?:\+[a-z0-9]+)?:\/\/[^\s:/@'"]*:([^\s@/'"]{3,})@/g,
    needles: ["://"],
  },
  { id: "url-basic-auth", title: "Password in a URL", severity: "high", pattern: /\bhttps?:\/\/[^\s:/@'"]+:([^\s@/'"]{6,})@/g, needles: ["://"] },
  { id: "vault-token", title: "HashiCorp Vault token", severity: "critical", pattern: /\b((?:hvs|hvb|hvr)\.[A-Za-z0-9_-]{24,})/g, needles: ["hvs.", "hvb.", "hvr."] },
  { id: "private-key", title: "Private key", severity: "critical", pattern: /(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)/g, needles: ["PRIVATE KEY"] },
  { id: "jwt", title: "JSON Web Token", severity: "medium", pattern: /\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})/g, needles: ["eyJ"] },
  { id: "huggingface-token", title: "Hugging Face token", severity: "high", pattern: /\b(hf_[A-Za-z]{34})\b/g, needles: ["hf_"] },
  { id: "digitalocean-token", title: "DigitalOcean token", severity: "critical", pattern: /\b(do[opr]_v1_[a-f0-9]{64})\b/g, needles: ["_v1_"] },
  { id: "shopify-token", title: "Shopify access token", severity: "high", pattern: /\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b/g, needles: ["shp"] },
  { id: "mailgun-key", title: "Mailgun API key", severity: "high", pattern: /\b(key-[0-9a-f]{32})\b/g, needles: ["key-"] },
  { id: "telegram-bot-token", title: "Telegram bot token", severity: "high", pattern: /\b(\d{8,10}:AA[A-Za-z0-9_-]{33})\b/g, needles: [":AA"] },
  { id: "discord-webhook", title: "Discord webhook URL", severity: "high", pattern: /(https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{60,})/g, needles: ["discord"] },
  { id: "databricks-token", title: "Databricks token", severity: "high", pattern: /\b(dapi[a-f0-9]{32}(?:-\d)?)\b/g, needles: ["dapi"] },
  { id: "groq-key", title: "Groq API key", severity: "high", pattern: /\b(gsk_[A-Za-z0-9]{48,})\b/g, needles: ["gsk_"] },
  { id: "linear-key", title: "Linear API key", severity: "high", pattern: /\b(lin_api_[A-Za-z0-9]{40})\b/g, needles: ["lin_api_"] },
  { id: "postman-key", title: "Postman API key", severity: "high", pattern: /\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b/g, needles: ["PMAK-"] },
  { id: "doppler-token", title: "Doppler token", severity: "high", pattern: /\b(dp\.(?:st|ct|sa|pt)\.[A-Za-z0-9_-]{40,})/g, needles: ["dp."] },
  { id: "square-token", title: "Square access token", severity: "high", pattern: /\b((?:sq0atp|sq0csp|EAAA)[A-Za-z0-9_-]{22,60})\b/g, needles: ["sq0", "EAAA"] },
  { id: "bearer-token", title: "Bearer token in an Authorization header", severity: "high", pattern: /[Bb]earer\s+([A-Za-z0-9._~+/-]{24,}=*)/g, needles: ["earer"] },
];

/** Rule ids that find the key material itself: the value must be followed by a key body. */
export const PEM_RULE_ID = "private-key";
