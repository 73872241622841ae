/**
 * Credential formats that identify themselves: a vendor prefix, a fixed structure or a checksum, so
 * the value alone says what it is. Each rule names the vendor format it follows. The catalogue
 * re-expresses the formats of gitleaks' rule list (MIT, github.com/gitleaks/gitleaks) plus formats
 * it lacks (Discord bot tokens, Docker Hub, Groq, Azure Storage, Ethereum keys...). Keyword-anchored
 * formats whose value has no prefix (a 32-hex key named `datadog_api_key`) are in
 * secret-keyed-rules.ts.
 *
 * Every pattern is anchored on literal text and uses bounded repetition, so it runs in linear time;
 * `keywords` (lower case) is a cheap prefilter on the lower-cased line. Group 1, when present, is the
 * secret; otherwise the whole match.
 */
import type { Severity } from "./types.js";

export interface SecretRule {
  id: string;
  /** The vendor format, as the vendor names it: "Slack bot token". */
  title: string;
  severity: Severity;
  /** Global regex; capture group 1 is the secret when present, else the whole match. */
  pattern: RegExp;
  /** Lower-case substrings; the lower-cased line must contain one of them. */
  keywords: readonly string[];
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  /** The fixed part of the value (vendor prefix) to leave out of the placeholder check. */
  prefix?: RegExp;
  /** Extra check on the secret and its line. */
  validate?: (value: string, line: string, path: string) => boolean;
  /** Skip the placeholder-shape check (structured tokens such as JWTs, whose bodies repeat by design). */
  structured?: boolean;
  /** A key the vendor documents for client-side code: reported at low severity, with advice to restrict it. */
  publishable?: boolean;
}

/** After a token: a delimiter (also `@` and `:` of URL user-info), an escape sequence or the end of the line. */
const END = String.raw`(?=[\x60'"\s;,)\]}<>|&@:]|\\[nrt]|$)`;
const B = String.raw`(?<![A-Za-z0-9_])`;

function re(source: string, flags = "g"): RegExp {
  return new RegExp(source.replace(/\{END\}/g, END).replace(/\{B\}/g, B), flags);
}

/** Base64 that decodes to JSON text (a wrapped service-account key, a 1Password token...). */
function decodesToJson(b64: string): string | null {
  try {
    const text = Buffer.from(b64.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8");
    return /^\s*\{/.test(text) ? text : null;
  } catch {
    return null;
  }
}

/** A JWT whose header decodes to JSON with an `alg` or `typ` (the signature may be empty: alg "none"). */
function jwtHeaderOk(token: string): boolean {
  const header = token.split(".")[0] ?? "";
  const json = decodesToJson(header);
  if (json) return /"(?:alg|typ|kid)"/.test(json);
  // Test suites write JWT-shaped values with a truncated header; keep those only when long enough to be real.
  return token.length >= 60;
}

/** Words around a 256-bit hex value that make it a hash, an address or data rather than a key. */
const HASH_CONTEXT = /\b(?:hash(?:es)?|tx(?:id|hash)?|transactions?|blocks?|roots?|topics?|slots?|keccak\w*|sha3|digests?|merkle|commits?|checksums?|nonces?|salts?|signatures?|sigs?|address(?:es)?|ids?|data|input|output|storage|selectors?|events?|logs?|receipts?|calldata|bytes32|uint256)\b/i;
/** Hardhat and Truffle network configs list private keys under `accounts`. */
const PRIVATE_CONTEXT = /priv(?:ate)?[_ -]?key|secret|mnemonic|wallet|signer|deployer|\bpk\b|seed|\baccounts\b/i;

/**
 * An Ethereum private key is 32 bytes of hex, and so is every transaction hash. Report one when a key
 * name or the words before it call it private, or when it stands bare in prose with no hash wording.
 */
function ethereumKeyInContext(value: string, line: string, path: string): boolean {
  const before = line.slice(0, Math.max(0, line.indexOf(value)));
  if (PRIVATE_CONTEXT.test(line)) return true;
  if (/[A-Za-z_$][\w$.-]*["']?\s*(?:[:=]|=>|:=)\s*["'`]?$|[(,[]\s*["'`]?$/.test(before)) return false;
  // Bare in a code or data file it is far more often a hash in a fixture than a pasted key.
  if (/\.(?:m?[jt]sx?|cjs|py|go|rs|sol|java|kt|rb|php|cs|swift|c|cc|cpp|h|json|jsonl|csv|lock)$/i.test(path)) return false;
  return !HASH_CONTEXT.test(line);
}

export const SECRET_RULES: readonly SecretRule[] = [
  // ---- Cloud providers
  { id: "aws-access-key-id", title: "AWS access key ID", severity: "critical", pattern: re(String.raw`{B}((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])`), keywords: ["a3t", "akia", "asia", "abia", "acca"], entropy: 3, prefix: /^(?:A3T.|AKIA|ASIA|ABIA|ACCA)/ },
  {
    id: "aws-secret-access-key",
    title: "AWS secret access key",
    severity: "critical",
    pattern: re(String.raw`(?:aws|AWS|Aws)[A-Za-z0-9_.-]{0,30}(?:secret|SECRET|Secret)[A-Za-z0-9_.-]{0,20}["'\]]?\s*(?:[:=]|:=|=>|,)\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`),
    keywords: ["aws"],
    entropy: 3.5,
  },
  { id: "aws-bedrock-api-key", title: "Amazon Bedrock API key (long-term)", severity: "critical", pattern: re(String.raw`{B}(ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{100,200}={0,2})`), keywords: ["absk"], prefix: /^ABSKQmVkcm9ja0FQSUtleS/ },
  { id: "aws-bedrock-short-term-key", title: "Amazon Bedrock API key (short-term)", severity: "critical", pattern: re(String.raw`{B}(bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%]{0,2000})${END}`), keywords: ["bedrock-api-key-"], prefix: /^bedrock-api-key-/ },
  { id: "gcp-api-key", title: "Google API key", severity: "high", pattern: re(String.raw`{B}(AIza[\w-]{35})(?![\w-])`), keywords: ["aiza"], entropy: 4, prefix: /^AIza(?:Sy)?/ },
  { id: "gcp-oauth-client-secret", title: "Google OAuth client secret", severity: "high", pattern: re(String.raw`{B}(GOCSPX-[A-Za-z0-9_-]{28})(?![\w-])`), keywords: ["gocspx-"], prefix: /^GOCSPX-/ },
  { id: "azure-ad-client-secret", title: "Microsoft Entra ID (Azure AD) client secret", severity: "critical", pattern: re(String.raw`(?:^|[\\'"\x60\s>=:(,)])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?=$|[\\'"\x60\s<),])`), keywords: ["q~"], entropy: 3, validate: (v) => !/~{3}/.test(v) },
  { id: "azure-storage-key", title: "Azure Storage account key in a connection string", severity: "critical", pattern: re(String.raw`(?:AccountKey|SharedAccessKey|AccessKey)=([A-Za-z0-9+/]{30,100}={0,2})`), keywords: ["accountkey=", "sharedaccesskey=", "accesskey="], entropy: 3.5 },
  { id: "azure-sas-signature", title: "Azure SAS token signature", severity: "high", pattern: re(String.raw`[?&]sig=([A-Za-z0-9%+/]{30,120}(?:%3D|=){0,2})`), keywords: ["sig="], entropy: 3.5, validate: (_v, line) => /[?&](?:sv|se|sp|sr|ss|srt)=/.test(line) },
  { id: "alibaba-access-key-id", title: "Alibaba Cloud AccessKey ID", severity: "high", pattern: re(String.raw`{B}(LTAI[a-zA-Z0-9]{20})${END}`), keywords: ["ltai"], entropy: 2, prefix: /^LTAI/ },
  { id: "digitalocean-token", title: "DigitalOcean token", severity: "critical", pattern: re(String.raw`{B}(do[opr]_v1_[a-f0-9]{64})${END}`), keywords: ["_v1_"], entropy: 3, prefix: /^do[opr]_v1_/ },
  { id: "cloudflare-origin-ca-key", title: "Cloudflare Origin CA key", severity: "high", pattern: re(String.raw`{B}(v1\.0-[a-f0-9]{24}-[a-f0-9]{146})${END}`), keywords: ["v1.0-"], entropy: 2, prefix: /^v1\.0-/ },
  { id: "yandex-cloud-key", title: "Yandex Cloud API key", severity: "high", pattern: re(String.raw`{B}(AQVN[A-Za-z0-9_-]{35,38})${END}`), keywords: ["aqvn"], entropy: 3.5, prefix: /^AQVN/ },
  { id: "heroku-api-key-v2", title: "Heroku API key", severity: "critical", pattern: re(String.raw`{B}(HRKU-AA[0-9a-zA-Z_-]{58})${END}`), keywords: ["hrku-aa"], entropy: 4, prefix: /^HRKU-AA/ },
  { id: "flyio-token", title: "Fly.io access token", severity: "critical", pattern: re(String.raw`{B}(fo1_[\w-]{43}|fm1[ar]_[a-zA-Z0-9+/]{100,}={0,3}|fm2_[a-zA-Z0-9+/]{100,}={0,3})${END}`), keywords: ["fo1_", "fm1", "fm2_"], entropy: 4, prefix: /^f[om][12][ar]?_/ },
  { id: "scalingo-token", title: "Scalingo API token", severity: "high", pattern: re(String.raw`{B}(tk-us-[\w-]{48})${END}`), keywords: ["tk-us-"], entropy: 2, prefix: /^tk-us-/ },
  { id: "openshift-user-token", title: "OpenShift user token", severity: "high", pattern: re(String.raw`{B}(sha256~[\w-]{43})(?![\w-])`), keywords: ["sha256~"], entropy: 3.5, prefix: /^sha256~/ },
  { id: "vault-service-token", title: "HashiCorp Vault service token", severity: "critical", pattern: re(String.raw`{B}(hvs\.[\w-]{90,120})${END}`), keywords: ["hvs."], entropy: 3.5, prefix: /^hvs\./ },
  { id: "vault-batch-token", title: "HashiCorp Vault batch token", severity: "critical", pattern: re(String.raw`{B}(hvb\.[\w-]{138,300})${END}`), keywords: ["hvb."], entropy: 4, prefix: /^hvb\./ },
  { id: "vault-token", title: "HashiCorp Vault token", severity: "critical", pattern: re(String.raw`{B}((?:hvs|hvb|hvr)\.[A-Za-z0-9_-]{24,89})${END}`), keywords: ["hvs.", "hvb.", "hvr."], entropy: 3.5, prefix: /^hv[sbr]\./ },
  { id: "terraform-cloud-token", title: "HashiCorp Terraform Cloud API token", severity: "critical", pattern: re(String.raw`{B}([a-zA-Z0-9]{14}\.atlasv1\.[a-zA-Z0-9_=-]{60,70})${END}`), keywords: ["atlasv1"], entropy: 3.5, validate: (v) => !/^x+\./i.test(v) },
  { id: "pulumi-token", title: "Pulumi access token", severity: "high", pattern: re(String.raw`{B}(pul-[a-f0-9]{40})${END}`), keywords: ["pul-"], entropy: 2, prefix: /^pul-/ },
  { id: "doppler-token", title: "Doppler token", severity: "high", pattern: re(String.raw`{B}(dp\.(?:pt|st|ct|sa|scim|audit)\.[A-Za-z0-9_-]{40,44})${END}`), keywords: ["dp."], entropy: 2, prefix: /^dp\.\w+\./ },
  { id: "infracost-token", title: "Infracost API token", severity: "medium", pattern: re(String.raw`{B}(ico-[a-zA-Z0-9]{32})${END}`), keywords: ["ico-"], entropy: 3, prefix: /^ico-/ },
  { id: "harness-token", title: "Harness access token (PAT or SAT)", severity: "high", pattern: re(String.raw`{B}((?:pat|sat)\.[a-zA-Z0-9_-]{22}\.[a-zA-Z0-9]{24}\.[a-zA-Z0-9]{20})${END}`), keywords: ["pat.", "sat."], prefix: /^[ps]at\./ },
  { id: "planetscale-token", title: "PlanetScale token or password", severity: "critical", pattern: re(String.raw`{B}(pscale_(?:tkn|oauth|pw)_[\w=.-]{32,64})${END}`), keywords: ["pscale_"], entropy: 3, prefix: /^pscale_\w+?_/ },
  { id: "clickhouse-cloud-key", title: "ClickHouse Cloud API secret key", severity: "high", pattern: re(String.raw`{B}(4b1d[A-Za-z0-9]{38})(?![A-Za-z0-9])`), keywords: ["4b1d"], entropy: 3, prefix: /^4b1d/ },
  { id: "databricks-token", title: "Databricks personal access token", severity: "high", pattern: re(String.raw`{B}(dapi[a-f0-9]{32}(?:-\d)?)${END}`), keywords: ["dapi"], entropy: 3, prefix: /^dapi/ },
  { id: "dynatrace-token", title: "Dynatrace API token", severity: "high", pattern: re(String.raw`{B}(dt0c01\.[a-zA-Z0-9]{24}\.[a-zA-Z0-9]{64})`), keywords: ["dt0c01."], entropy: 4, prefix: /^dt0c01\./ },
  { id: "octopus-deploy-key", title: "Octopus Deploy API key", severity: "high", pattern: re(String.raw`{B}(API-[A-Z0-9]{26})${END}`), keywords: ["api-"], entropy: 3, prefix: /^API-/, validate: (v) => /[0-9]/.test(v.slice(4)) },
  { id: "authress-key", title: "Authress service client access key", severity: "high", pattern: re(String.raw`{B}((?:sc|ext|scauth|authress)_[a-zA-Z0-9]{5,30}\.[a-zA-Z0-9]{4,6}\.acc[_-][a-zA-Z0-9-]{10,32}\.[a-zA-Z0-9+/_=-]{30,120})${END}`), keywords: ["sc_", "ext_", "scauth_", "authress_"], entropy: 2 },
  { id: "age-secret-key", title: "age secret key", severity: "critical", pattern: re(String.raw`(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?![A-Z0-9])`), keywords: ["age-secret-key-1"], prefix: /^AGE-SECRET-KEY-1/ },

  { id: "google-oauth-access-token", title: "Google OAuth access token", severity: "high", pattern: re(String.raw`{B}(ya29\.[0-9A-Za-z_-]{30,})${END}`), keywords: ["ya29."], entropy: 3.5, prefix: /^ya29\./ },
  { id: "google-oauth-refresh-token", title: "Google OAuth refresh token", severity: "critical", pattern: re(String.raw`(?<![\w/:])(1\/\/0[0-9A-Za-z_-]{40,})${END}`), keywords: ["1//0"], entropy: 3.5, prefix: /^1\/\/0/ },
  { id: "firebase-server-key", title: "Firebase Cloud Messaging server key", severity: "high", pattern: re(String.raw`{B}(AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{100,})${END}`), keywords: [":apa91b"], entropy: 4, prefix: /^AAAA[A-Za-z0-9_-]{7}:APA91b/ },
  { id: "azure-devops-pat", title: "Azure DevOps personal access token", severity: "critical", pattern: re(String.raw`{B}([A-Za-z0-9]{52,80}AZDO[A-Za-z0-9]{4,28})(?![A-Za-z0-9])`), keywords: ["azdo"], entropy: 4, validate: (v) => v.length === 84 },
  { id: "supabase-token", title: "Supabase access token or secret key", severity: "critical", pattern: re(String.raw`{B}(sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{31,64})${END}`), keywords: ["sbp_", "sb_secret_"], entropy: 3, prefix: /^sb(?:p|_secret)_/ },
  { id: "netlify-pat", title: "Netlify personal access token", severity: "high", pattern: re(String.raw`{B}(nfp_[A-Za-z0-9]{36})${END}`), keywords: ["nfp_"], entropy: 3.5, prefix: /^nfp_/ },
  { id: "render-api-key", title: "Render API key", severity: "high", pattern: re(String.raw`{B}(rnd_[A-Za-z0-9]{32})${END}`), keywords: ["rnd_"], entropy: 3.5, prefix: /^rnd_/ },
  { id: "braintree-access-token", title: "PayPal Braintree access token", severity: "critical", pattern: re(String.raw`(access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})`), keywords: ["access_token$production$"], prefix: /^access_token\$production\$/ },

  // ---- Source hosting, registries and CI
  { id: "github-token", title: "GitHub token", severity: "critical", pattern: re(String.raw`{B}(gh[pousr]_[A-Za-z0-9]{36})(?![A-Za-z0-9])`), keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], entropy: 3, prefix: /^gh[pousr]_/ },
  { id: "github-installation-token", title: "GitHub App installation token", severity: "critical", pattern: re(String.raw`{B}(ghs_\d{1,20}_[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})`), keywords: ["ghs_"], structured: true },
  { id: "github-fine-grained-pat", title: "GitHub fine-grained personal access token", severity: "critical", pattern: re(String.raw`{B}(github_pat_\w{82})(?![A-Za-z0-9_])`), keywords: ["github_pat_"], entropy: 3, prefix: /^github_pat_/ },
  { id: "gitlab-token", title: "GitLab token", severity: "critical", pattern: re(String.raw`{B}((?:glpat|gldt|glrt|glsoat|glffct|glft)-[0-9a-zA-Z_-]{20}(?:[0-9a-zA-Z_-]{7,280}\.[0-9a-z]{9})?|glrt-t\d_[0-9a-zA-Z_-]{27,300}\.[0-9a-z]{9}|glcbt-[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_-]{20}|glimt-[0-9a-zA-Z_-]{25}|glagent-[0-9a-zA-Z_-]{50}|gloas-[0-9a-zA-Z_-]{64}|glptt-[0-9a-f]{40}|GR1348941[\w-]{20})(?![\w-])`), keywords: ["glpat-", "gldt-", "glrt-", "glsoat-", "glffct-", "glft-", "glcbt-", "glimt-", "glagent-", "gloas-", "glptt-", "gr1348941"], entropy: 3, prefix: /^(?:gl[a-z]+-(?:t\d_)?(?:[0-9a-zA-Z]{1,5}_)?|GR1348941)/ },
  { id: "gitlab-session-cookie", title: "GitLab session cookie", severity: "high", pattern: re(String.raw`_gitlab_session=([0-9a-z]{32})`), keywords: ["_gitlab_session="], entropy: 3 },
  { id: "npm-token", title: "npm access token", severity: "critical", pattern: re(String.raw`{B}(npm_[a-zA-Z0-9]{36})${END}`), keywords: ["npm_"], entropy: 2, prefix: /^npm_/ },
  { id: "npmrc-auth", title: "npm registry auth token", severity: "critical", pattern: re(String.raw`:_(?:authToken|auth|password)\s*=\s*["']?([^\s"'$]{12,})`), keywords: [":_auth", ":_password"] },
  { id: "pypi-token", title: "PyPI upload token", severity: "critical", pattern: re(String.raw`{B}(pypi-AgEIcHlwaS5vcmc[\w-]{50,1000})`), keywords: ["pypi-ageichlwas5vcmc"], entropy: 3, prefix: /^pypi-AgEIcHlwaS5vcmc/ },
  { id: "rubygems-token", title: "RubyGems API key", severity: "critical", pattern: re(String.raw`{B}(rubygems_[a-f0-9]{48})${END}`), keywords: ["rubygems_"], entropy: 2, prefix: /^rubygems_/ },
  { id: "clojars-token", title: "Clojars deploy token", severity: "high", pattern: re(String.raw`{B}(CLOJARS_[a-zA-Z0-9]{60})(?![A-Za-z0-9])`, "gi"), keywords: ["clojars_"], entropy: 2, prefix: /^CLOJARS_/i },
  { id: "docker-hub-token", title: "Docker Hub access token", severity: "high", pattern: re(String.raw`{B}(dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,40})${END}`), keywords: ["dckr_"], prefix: /^dckr_[a-z]+_/ },
  { id: "artifactory-api-key", title: "JFrog Artifactory API key", severity: "high", pattern: re(String.raw`\b(AKCp[A-Za-z0-9]{69})\b`), keywords: ["akcp"], entropy: 4.5, prefix: /^AKCp/ },
  { id: "artifactory-reference-token", title: "JFrog Artifactory reference token", severity: "high", pattern: re(String.raw`\b(cmVmd[A-Za-z0-9]{59})\b`), keywords: ["cmvmd"], entropy: 4.5, prefix: /^cmVmd/ },
  { id: "sourcegraph-token", title: "Sourcegraph access token", severity: "high", pattern: re(String.raw`{B}(sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}|sgp_[a-fA-F0-9]{40})(?![A-Za-z0-9_])`), keywords: ["sgp_"], entropy: 3, prefix: /^sgp_(?:[a-fA-F0-9]{16}_|local_)?/ },
  { id: "figma-token", title: "Figma personal access token", severity: "high", pattern: re(String.raw`{B}(figd_[A-Za-z0-9_-]{40,64})${END}`), keywords: ["figd_"], entropy: 3.5, prefix: /^figd_/ },
  { id: "tailscale-key", title: "Tailscale API, auth or OAuth key", severity: "critical", pattern: re(String.raw`(?<![A-Za-z])(tskey-[a-z]{3,12}-[A-Za-z0-9]{6,20}-[A-Za-z0-9]{16,48})${END}`), keywords: ["tskey-"], prefix: /^tskey-[a-z]+-/ },
  { id: "atlassian-api-token", title: "Atlassian API token", severity: "high", pattern: re(String.raw`{B}(ATATT3[A-Za-z0-9_=-]{186})${END}`), keywords: ["atatt3"], entropy: 3.5, prefix: /^ATATT3/ },
  { id: "defined-networking-token", title: "Defined Networking API token", severity: "high", pattern: re(String.raw`{B}(dnkey-[a-z0-9=_-]{26}-[a-z0-9=_-]{52})${END}`, "gi"), keywords: ["dnkey-"], prefix: /^dnkey-/i },
  { id: "new-relic-key", title: "New Relic API or license key", severity: "high", pattern: re(String.raw`{B}(NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9-]{32}|NRJS-[a-f0-9]{19}|[a-f0-9]{36}NRAL)${END}`), keywords: ["nrak-", "nrii-", "nrjs-", "nral"], prefix: /^NR[A-Z]{2}-/ },
  { id: "mapbox-secret-token", title: "Mapbox secret access token", severity: "high", pattern: re(String.raw`{B}(sk\.eyJ1Ijoi[A-Za-z0-9_-]{20,200}\.[A-Za-z0-9_-]{22})${END}`), keywords: ["sk.eyj1ijoi"], prefix: /^sk\.eyJ1Ijoi/ },
  { id: "prefect-token", title: "Prefect API key", severity: "high", pattern: re(String.raw`{B}(pnu_[a-zA-Z0-9]{36})${END}`), keywords: ["pnu_"], entropy: 2, prefix: /^pnu_/ },
  { id: "readme-token", title: "ReadMe API key", severity: "high", pattern: re(String.raw`{B}(rdme_[a-z0-9]{70})${END}`), keywords: ["rdme_"], entropy: 2, prefix: /^rdme_/ },
  { id: "postman-key", title: "Postman API key", severity: "high", pattern: re(String.raw`{B}(PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34})${END}`), keywords: ["pmak-"], entropy: 3, prefix: /^PMAK-/ },
  { id: "linear-key", title: "Linear API key", severity: "high", pattern: re(String.raw`{B}(lin_api_[a-zA-Z0-9]{40})(?![A-Za-z0-9])`), keywords: ["lin_api_"], entropy: 2, prefix: /^lin_api_/ },
  { id: "sentry-user-token", title: "Sentry user auth token", severity: "high", pattern: re(String.raw`{B}(sntryu_[a-f0-9]{64})${END}`), keywords: ["sntryu_"], entropy: 3.5, prefix: /^sntryu_/ },
  { id: "sentry-org-token", title: "Sentry organization auth token", severity: "high", pattern: re(String.raw`{B}(sntrys_eyJpYXQiO[a-zA-Z0-9+/]{10,200}(?:LCJyZWdpb25fdXJs|InJlZ2lvbl91cmwi|cmVnaW9uX3VybCI6)[a-zA-Z0-9+/]{10,200}={0,2}_[a-zA-Z0-9+/]{43})(?![a-zA-Z0-9+/])`), keywords: ["sntrys_"], entropy: 4.5, structured: true },
  { id: "settlemint-token", title: "SettleMint access token", severity: "high", pattern: re(String.raw`{B}(sm_(?:pat|aat|sat)_[a-zA-Z0-9]{16})${END}`), keywords: ["sm_pat", "sm_aat", "sm_sat"], entropy: 3, prefix: /^sm_[a-z]{3}_/ },
  { id: "maxmind-license-key", title: "MaxMind license key", severity: "medium", pattern: re(String.raw`{B}([A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk)${END}`), keywords: ["_mmk"], entropy: 4 },
  { id: "frameio-token", title: "Frame.io API token", severity: "high", pattern: re(String.raw`{B}(fio-u-[a-zA-Z0-9_=-]{64})(?![\w=-])`), keywords: ["fio-u-"], prefix: /^fio-u-/ },
  { id: "typeform-token", title: "Typeform personal access token", severity: "high", pattern: re(String.raw`{B}(tfp_[a-zA-Z0-9_.=-]{59})${END}`), keywords: ["tfp_"], prefix: /^tfp_/ },
  { id: "grafana-api-key", title: "Grafana API key", severity: "high", pattern: re(String.raw`{B}(eyJrIjoi[A-Za-z0-9]{70,400}={0,3})${END}`), keywords: ["eyjrijoi"], entropy: 3, prefix: /^eyJrIjoi/ },
  { id: "grafana-cloud-token", title: "Grafana Cloud API token", severity: "high", pattern: re(String.raw`{B}(glc_[A-Za-z0-9+/]{32,400}={0,3})${END}`), keywords: ["glc_"], entropy: 3, prefix: /^glc_/ },
  { id: "grafana-service-account-token", title: "Grafana service account token", severity: "high", pattern: re(String.raw`{B}(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})${END}`), keywords: ["glsa_"], entropy: 3, prefix: /^glsa_/ },

  { id: "nuget-api-key", title: "NuGet API key", severity: "high", pattern: re(String.raw`{B}(oy2[a-z0-9]{43})${END}`), keywords: ["oy2"], entropy: 3.5, prefix: /^oy2/ },
  { id: "crates-io-token", title: "crates.io API token", severity: "high", pattern: re(String.raw`{B}(cio[a-zA-Z0-9]{32})${END}`), keywords: ["cio"], entropy: 3.5, prefix: /^cio/, validate: (v) => /\d/.test(v) && /[A-Z]/.test(v.slice(3)) },
  { id: "bitbucket-app-password", title: "Bitbucket app password", severity: "high", pattern: re(String.raw`{B}(ATBB[a-zA-Z0-9_=.-]{28,60})${END}`), keywords: ["atbb"], entropy: 3.5, prefix: /^ATBB/ },

  // ---- AI services
  { id: "openai-key", title: "OpenAI API key", severity: "critical", pattern: re(String.raw`{B}(sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,})`), keywords: ["t3blbkfj"], entropy: 3, prefix: /^sk-(?:proj-|svcacct-|admin-|None-)?/ },
  { id: "anthropic-key", title: "Anthropic API key", severity: "critical", pattern: re(String.raw`{B}(sk-ant-(?:api|admin|oat|ort)\d{2}-[A-Za-z0-9_-]{80,}AA)${END}`), keywords: ["sk-ant-"], entropy: 3.5, prefix: /^sk-ant-[a-z]+\d{2}-/ },
  { id: "replicate-token", title: "Replicate API token", severity: "high", pattern: re(String.raw`{B}(r8_[A-Za-z0-9]{37})${END}`), keywords: ["r8_"], entropy: 3.5, prefix: /^r8_/ },
  { id: "xai-key", title: "xAI API key", severity: "high", pattern: re(String.raw`{B}(xai-[A-Za-z0-9]{80})${END}`), keywords: ["xai-"], entropy: 4, prefix: /^xai-/ },
  { id: "huggingface-token", title: "Hugging Face access token", severity: "high", pattern: re(String.raw`{B}(hf_[a-zA-Z]{34})${END}`), keywords: ["hf_"], entropy: 2, prefix: /^hf_/, validate: (v) => /[A-Z]/.test(v.slice(3)) && /[a-z]/.test(v.slice(3)) },
  { id: "huggingface-org-token", title: "Hugging Face organization API token", severity: "high", pattern: re(String.raw`{B}(api_org_[a-zA-Z]{34})${END}`), keywords: ["api_org_"], entropy: 2, prefix: /^api_org_/, validate: (v) => /[A-Z]/.test(v.slice(8)) && /[a-z]/.test(v.slice(8)) },
  { id: "groq-key", title: "Groq API key", severity: "high", pattern: re(String.raw`{B}(gsk_[A-Za-z0-9]{52})(?![A-Za-z0-9_-])`), keywords: ["gsk_"], entropy: 3.5, prefix: /^gsk_/ },
  { id: "perplexity-key", title: "Perplexity API key", severity: "high", pattern: re(String.raw`{B}(pplx-[a-zA-Z0-9]{48})(?![a-zA-Z0-9])`), keywords: ["pplx-"], entropy: 4, prefix: /^pplx-/ },

  // ---- Messaging and collaboration
  { id: "slack-bot-token", title: "Slack bot token", severity: "critical", pattern: re(String.raw`{B}(xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*|xoxb-[0-9]{8,14}-[a-zA-Z0-9]{18,26})(?![\w-])`), keywords: ["xoxb-"], entropy: 2.5, prefix: /^xoxb-[0-9-]+/ },
  { id: "slack-user-token", title: "Slack user token", severity: "critical", pattern: re(String.raw`{B}(xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34})(?![\w-])`), keywords: ["xoxp-", "xoxe-"], entropy: 2, prefix: /^xox[pe]-[0-9-]+/ },
  { id: "slack-app-token", title: "Slack app-level token", severity: "critical", pattern: re(String.raw`{B}(xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+)(?![\w-])`, "gi"), keywords: ["xapp-"], entropy: 2, prefix: /^xapp-\d-[A-Z0-9]+-\d+-/i },
  { id: "slack-config-token", title: "Slack configuration token", severity: "critical", pattern: re(String.raw`{B}(xoxe\.xox[bp]-\d-[A-Za-z0-9]{163,166}|xoxe-\d-[A-Za-z0-9]{146})(?![A-Za-z0-9])`, "gi"), keywords: ["xoxe"], entropy: 2, prefix: /^xoxe(?:\.xox[bp])?-\d-/i },
  { id: "slack-legacy-token", title: "Slack legacy token", severity: "critical", pattern: re(String.raw`{B}(xox[os]-\d+-\d+-\d+-[a-fA-F\d]+|xox[ar]-(?:\d-)?[0-9a-zA-Z]{8,48}(?:-[0-9a-zA-Z]{8,64}){0,4})(?![\w.-])`), keywords: ["xoxo-", "xoxs-", "xoxa-", "xoxr-"], entropy: 2, prefix: /^xox[osar]-(?:\d-)?/, validate: (v) => /\d/.test(v.slice(5)) },
  { id: "slack-webhook", title: "Slack incoming webhook URL", severity: "high", pattern: re(String.raw`((?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{43,120})`), keywords: ["hooks.slack.com"], prefix: /^(?:https?:\/\/)?hooks\.slack\.com\/\w+\// },
  { id: "discord-bot-token", title: "Discord bot token", severity: "critical", pattern: re(String.raw`{B}([MNO][A-Za-z\d]{23,25}\.[\w-]{6}\.[\w-]{27,38})(?![\w-])`), keywords: [], entropy: 4, structured: true, validate: (v) => /^\d{17,20}$/.test(Buffer.from(v.split(".")[0] ?? "", "base64").toString("latin1")) },
  { id: "discord-webhook", title: "Discord webhook URL", severity: "high", pattern: re(String.raw`(https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{60,})`), keywords: ["discord"] },
  { id: "teams-webhook", title: "Microsoft Teams incoming webhook URL", severity: "high", pattern: re(String.raw`(https:\/\/[a-z0-9]+\.webhook\.office\.com\/webhookb2\/[a-z0-9]{8}-(?:[a-z0-9]{4}-){3}[a-z0-9]{12}@[a-z0-9]{8}-(?:[a-z0-9]{4}-){3}[a-z0-9]{12}\/IncomingWebhook\/[a-z0-9]{32}\/[a-z0-9]{8}-(?:[a-z0-9]{4}-){3}[a-z0-9]{12})`), keywords: ["webhook.office.com"] },
  { id: "telegram-bot-token", title: "Telegram bot token", severity: "high", pattern: re(String.raw`{B}(\d{8,10}:AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])`), keywords: [":aa"] },
  { id: "sendgrid-key", title: "SendGrid API key", severity: "critical", pattern: re(String.raw`{B}(SG\.[a-zA-Z0-9_-]{22}\.[a-zA-Z0-9_-]{43}|SG\.[a-zA-Z0-9=_.-]{66})${END}`), keywords: ["sg."], entropy: 2, prefix: /^SG\./ },
  { id: "sendinblue-key", title: "Brevo (Sendinblue) API key", severity: "high", pattern: re(String.raw`{B}(xkeysib-[a-f0-9]{64}-[a-zA-Z0-9]{16})${END}`), keywords: ["xkeysib-"], entropy: 2, prefix: /^xkeysib-/ },
  { id: "mailgun-key", title: "Mailgun API key", severity: "high", pattern: re(String.raw`{B}(key-[0-9a-f]{32})${END}`), keywords: ["key-"], entropy: 3, prefix: /^key-/ },
  { id: "twilio-api-key", title: "Twilio API key SID", severity: "high", pattern: re(String.raw`{B}(SK[0-9a-fA-F]{32})(?![0-9a-zA-Z])`), keywords: ["sk"], entropy: 3, prefix: /^SK/ },
  { id: "notion-token", title: "Notion integration token", severity: "high", pattern: re(String.raw`{B}(ntn_[0-9]{11}[A-Za-z0-9]{35})${END}`), keywords: ["ntn_"], entropy: 4, prefix: /^ntn_\d{11}/ },
  { id: "facebook-page-token", title: "Facebook access token", severity: "high", pattern: re(String.raw`{B}(EAA[MC][a-zA-Z0-9]{100,})${END}`), keywords: ["eaam", "eaac"], entropy: 4, prefix: /^EAA[MC]/ },
  { id: "facebook-app-access-token", title: "Facebook app access token", severity: "high", pattern: re(String.raw`{B}(\d{15,16}(?:\||%7C)[0-9a-zA-Z_-]{27,40})${END}`), keywords: ["facebook"], entropy: 3 },

  // ---- Payments, commerce, finance
  { id: "stripe-live-key", title: "Stripe live secret key", severity: "critical", pattern: re(String.raw`{B}((?:sk|rk)_(?:live|prod)_[a-zA-Z0-9]{10,99})${END}`), keywords: ["_live_", "_prod_"], entropy: 2, prefix: /^[sr]k_[a-z]+_/ },
  { id: "stripe-test-key", title: "Stripe test-mode secret key", severity: "low", pattern: re(String.raw`{B}((?:sk|rk)_test_[a-zA-Z0-9]{10,99})${END}`), keywords: ["_test_"], entropy: 2, prefix: /^[sr]k_test_/ },
  { id: "square-token", title: "Square access token", severity: "high", pattern: re(String.raw`{B}((?:EAAA|sq0atp-)[\w-]{22,60})${END}`), keywords: ["sq0atp-", "eaaa"], entropy: 2, prefix: /^(?:EAAA|sq0atp-)/, validate: (v) => !/^EAAA[a-f0-9]{36}$/.test(v) },
  { id: "square-secret", title: "Square OAuth secret", severity: "high", pattern: re(String.raw`{B}(sq0csp-[0-9A-Za-z_-]{43})`), keywords: ["sq0csp-"], entropy: 2, prefix: /^sq0csp-/ },
  { id: "shopify-token", title: "Shopify access token or shared secret", severity: "high", pattern: re(String.raw`{B}(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})(?![a-zA-Z0-9])`), keywords: ["shpat_", "shpca_", "shppa_", "shpss_"], entropy: 2, prefix: /^shp[a-z]{2}_/ },
  { id: "shippo-token", title: "Shippo API token", severity: "high", pattern: re(String.raw`{B}(shippo_(?:live|test)_[a-fA-F0-9]{40})${END}`), keywords: ["shippo_"], entropy: 2, prefix: /^shippo_[a-z]+_/ },
  { id: "easypost-key", title: "EasyPost API key", severity: "high", pattern: re(String.raw`\b(EZ[AT]K[a-zA-Z0-9]{54})\b`), keywords: ["ezak", "eztk"], entropy: 2, prefix: /^EZ[AT]K/ },
  { id: "duffel-token", title: "Duffel API token", severity: "high", pattern: re(String.raw`{B}(duffel_(?:test|live)_[a-zA-Z0-9_=-]{43})(?![\w=-])`), keywords: ["duffel_"], entropy: 2, prefix: /^duffel_[a-z]+_/ },
  { id: "flutterwave-key", title: "Flutterwave secret or encryption key", severity: "high", pattern: re(String.raw`{B}(FLWSECK_TEST-[a-hA-H0-9]{32}-X|FLWSECK_TEST-[a-hA-H0-9]{12})(?![a-zA-Z0-9])`), keywords: ["flwseck_test"], entropy: 2, prefix: /^FLWSECK_TEST-/ },
  { id: "flutterwave-public-key", title: "Flutterwave public key", severity: "low", publishable: true, pattern: re(String.raw`{B}(FLWPUBK_TEST-[a-hA-H0-9]{32}-X)(?![a-zA-Z0-9])`), keywords: ["flwpubk_test"], entropy: 2, prefix: /^FLWPUBK_TEST-/ },
  { id: "stripe-publishable-key", title: "Stripe publishable key", severity: "low", publishable: true, pattern: re(String.raw`{B}(pk_live_[a-zA-Z0-9]{24,99})${END}`), keywords: ["pk_live_"], entropy: 3, prefix: /^pk_live_/ },
  { id: "adobe-client-secret", title: "Adobe OAuth client secret", severity: "high", pattern: re(String.raw`{B}(p8e-[a-zA-Z0-9]{32})${END}`), keywords: ["p8e-"], entropy: 2, prefix: /^p8e-/ },
  { id: "intra42-client-secret", title: "42 Intra API client secret", severity: "high", pattern: re(String.raw`{B}(s-s4t2(?:ud|af)-[a-fA-F0-9]{64})${END}`), keywords: ["s-s4t2ud-", "s-s4t2af-"], entropy: 3, prefix: /^s-s4t2\w\w-/ },
  { id: "airtable-pat", title: "Airtable personal access token", severity: "high", pattern: re(String.raw`{B}(pat[a-zA-Z0-9]{14}\.[a-f0-9]{64})(?![a-zA-Z0-9])`), keywords: ["pat"], entropy: 3 },
  { id: "onepassword-secret-key", title: "1Password account secret key", severity: "critical", pattern: re(String.raw`\b(A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})\b`), keywords: ["a3-"], entropy: 3.8, prefix: /^A3-/ },
  { id: "onepassword-service-account-token", title: "1Password service account token", severity: "critical", pattern: re(String.raw`(ops_eyJ[a-zA-Z0-9+/]{250,}={0,3})`), keywords: ["ops_"], entropy: 4, prefix: /^ops_/, structured: true },
  { id: "sidekiq-url", title: "Sidekiq Enterprise credentials in a gem source URL", severity: "high", pattern: re(String.raw`\bhttps?:\/\/([a-fA-F0-9]{8}:[a-fA-F0-9]{8})@(?:gems|enterprise)\.contribsys\.com(?:[/#?:]|$)`), keywords: ["contribsys.com"] },
  {
    id: "ethereum-private-key",
    title: "secp256k1 (Ethereum) private key",
    severity: "high",
    pattern: re(String.raw`(?<![\w/])(0x[0-9a-fA-F]{64})(?![0-9a-zA-Z])`),
    keywords: ["0x"],
    entropy: 3.2,
    prefix: /^0x/,
    // A 0x-prefixed 256-bit value is also every transaction hash, storage slot and event topic: see ethereumKeyInContext.
    validate: (v, line, path) => ethereumKeyInContext(v, line, path),
  },

  // ---- Tokens by structure
  { id: "jwt", title: "JSON Web Token", severity: "medium", pattern: re(String.raw`{B}(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9/\\_-]{17,}\.(?:[a-zA-Z0-9/\\_-]{10,}={0,2})?)${END}`), keywords: ["ey"], entropy: 3, structured: true, validate: (v) => jwtHeaderOk(v) },
  { id: "putty-private-key", title: "PuTTY private key (PPK)", severity: "critical", pattern: re(String.raw`^(Private-Lines:\s*\d+)\s*$`), keywords: ["private-lines:"] },
  { id: "private-key", title: "Private key", severity: "critical", pattern: re(String.raw`(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)`), keywords: ["private key"] },
  { id: "bearer-token", title: "Bearer token in an Authorization header", severity: "high", pattern: re(String.raw`[Bb]earer\s+([A-Za-z0-9._~+/-]{24,}=*)`), keywords: ["earer"], entropy: 3.3 },
];

/** Rules that find the header of key material: the match must be followed by a key body. */
export const PEM_RULE_ID = "private-key";
export const PPK_RULE_ID = "putty-private-key";
