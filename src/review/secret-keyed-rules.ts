/**
 * Provider credentials whose value has no prefix (32 hex, a UUID, 40 base36...): recognised by the
 * key they are assigned to, the way each vendor's SDK and docs name them (`DATADOG_API_KEY`,
 * `heroku_api_key`, `<sentryToken>`), and by the exact shape the vendor issues. Re-expressed from
 * gitleaks' keyword-anchored rules (MIT). The assignment itself, in whatever syntax, is found by
 * secret-assignments.ts; a rule only judges a (key, value) pair.
 *
 * Client, application, account and tenant IDs are not here: they are identifiers, public by design,
 * and reporting them would block the agent's push of ordinary configuration (an Entra tenant ID in a
 * workflow, an OAuth client ID in an app config). Publishable keys (meant for client code, but billed
 * and abusable when unrestricted) are reported at low severity.
 */
import type { Severity } from "./types.js";

export interface KeyedRule {
  id: string;
  /** The vendor format: "Datadog API key". */
  title: string;
  severity: Severity;
  /** Vendor names, lower case; the lower-cased key must contain one. */
  vendors: readonly string[];
  /** Checked on the key as written, when the vendor name needs its case (`[Ss]umo` is not `sumOfValues`). */
  key?: RegExp;
  /** The whole value, anchored. */
  value: RegExp;
  /** Minimum Shannon entropy of the value. */
  entropy?: number;
  /** Fixed part of the value to leave out of the placeholder check. */
  fixed?: RegExp;
  /** A key the vendor documents for client-side code: reported at low severity, with advice to restrict it. */
  publishable?: boolean;
}

const UUID = String.raw`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`;
const uuid = new RegExp(`^${UUID}$`);

function k(id: string, title: string, vendors: readonly string[], value: RegExp, extra: Partial<KeyedRule> = {}): KeyedRule {
  return { id, title, severity: extra.publishable ? "low" : "high", vendors, value, ...extra };
}

export const KEYED_RULES: readonly KeyedRule[] = [
  k("adafruit-api-key", "Adafruit IO key", ["adafruit"], /^[a-z0-9_-]{32}$/i),
  k("airtable-api-key", "Airtable API key", ["airtable"], /^[a-z0-9]{17}$/i),
  k("algolia-api-key", "Algolia API key", ["algolia"], /^[a-z0-9]{32}$/i),
  k("alibaba-secret-key", "Alibaba Cloud AccessKey secret", ["alibaba"], /^[a-z0-9]{30}$/i, { entropy: 2 }),
  k("asana-client-secret", "Asana client secret", ["asana"], /^[a-z0-9]{32}$/i),
  k("atlassian-api-token", "Atlassian API token", ["atlassian", "confluence", "jira"], /^[a-z0-9]{20}[a-f0-9]{4}$/i, {
    key: /ATLASSIAN|[Aa]tlassian|CONFLUENCE|[Cc]onfluence|JIRA|[Jj]ira/,
    entropy: 3.5,
  }),
  k("azure-client-secret", "Microsoft Entra ID (Azure AD) client secret", ["azure", "arm_client", "aad"], /^[A-Za-z0-9_~.-]{34,44}$/, {
    key: /client[_.-]?secret|ClientSecret/i,
    entropy: 3.5,
    severity: "critical",
  }),
  k("beamer-api-token", "Beamer API token", ["beamer"], /^b_[a-z0-9=_-]{44}$/i, { fixed: /^b_/ }),
  k("bitbucket-client-secret", "Bitbucket client secret", ["bitbucket"], /^[a-z0-9=_-]{64}$/i),
  k("bittrex-key", "Bittrex API key", ["bittrex"], /^[a-z0-9]{32}$/i),
  k("cisco-meraki-api-key", "Cisco Meraki API key", ["meraki"], /^[0-9a-f]{40}$/, { key: /[Mm]eraki|MERAKI/, entropy: 3 }),
  k("cloudflare-api-key", "Cloudflare API token", ["cloudflare"], /^[a-z0-9_-]{40}$/i, { entropy: 2 }),
  k("cloudflare-global-api-key", "Cloudflare global API key", ["cloudflare"], /^[a-f0-9]{37}$/i, { entropy: 2 }),
  k("codecov-token", "Codecov upload token", ["codecov"], /^[a-z0-9]{32}$/i),
  k("codecov-token-uuid", "Codecov upload token", ["codecov"], uuid),
  k("cohere-api-key", "Cohere API key", ["cohere", "co_api_key"], /^[a-zA-Z0-9]{40}$/, { entropy: 4 }),
  k("coinbase-token", "Coinbase access token", ["coinbase"], /^[a-z0-9_-]{64}$/i),
  k("confluent-access-token", "Confluent Cloud API key", ["confluent"], /^[a-z0-9]{16}$/i),
  k("confluent-secret-key", "Confluent Cloud API secret", ["confluent"], /^[a-z0-9]{64}$/i),
  k("contentful-token", "Contentful delivery API token", ["contentful"], /^[a-z0-9=_-]{43}$/i),
  k("datadog-key", "Datadog API or application key", ["datadog", "dd_api", "dd_app", "ddapi", "ddapp", "dd-api", "dd-app"], /^[a-f0-9]{32}$|^[a-z0-9]{40}$/i, {
    key: /datadog|(?:^|[^a-z])dd[_-]?(?:api|app|application)[_-]?key/i,
  }),
  k("defined-networking-token", "Defined Networking API token", ["dnkey"], /^dnkey-[a-z0-9=_-]{26}-[a-z0-9=_-]{52}$/i, { fixed: /^dnkey-/ }),
  k("discord-api-token", "Discord application key", ["discord"], /^[a-f0-9]{64}$/i),
  k("discord-client-secret", "Discord client secret", ["discord"], /^[a-z0-9=_-]{32}$/i, { entropy: 2 }),
  k("droneci-token", "Drone CI access token", ["droneci", "drone_token", "drone-token", "drone_server_token"], /^[a-z0-9]{32}$/i),
  k("dropbox-token", "Dropbox API secret", ["dropbox"], /^[a-z0-9]{15}$/i),
  k("dropbox-short-lived-token", "Dropbox short-lived access token", ["dropbox"], /^sl\.[a-z0-9=_-]{135,1300}$/i, { fixed: /^sl\./ }),
  k("dropbox-long-lived-token", "Dropbox long-lived access token", ["dropbox"], /^[a-z0-9]{11}AAAAAAAAAA[a-z0-9_=-]{43}$/i, { fixed: /AAAAAAAAAA/ }),
  k("etsy-access-token", "Etsy API key", ["etsy"], /^[a-z0-9]{24}$/i, { key: /ETSY|[Ee]tsy/, entropy: 3 }),
  k("facebook-secret", "Facebook app secret", ["facebook"], /^[a-f0-9]{32}$/i, { entropy: 3 }),
  k("fastly-api-token", "Fastly API token", ["fastly"], /^[a-z0-9=_-]{32}$/i),
  k("finicity-api-token", "Finicity API token", ["finicity"], /^[a-f0-9]{32}$/i),
  k("finicity-client-secret", "Finicity client secret", ["finicity"], /^[a-z0-9]{20}$/i),
  k("finnhub-token", "Finnhub API key", ["finnhub"], /^[a-z0-9]{20}$/i),
  k("flickr-token", "Flickr API key", ["flickr"], /^[a-z0-9]{32}$/i),
  k("freshbooks-token", "FreshBooks access token", ["freshbooks"], /^[a-z0-9]{64}$/i),
  k("gitter-token", "Gitter access token", ["gitter"], /^[a-z0-9_-]{40}$/i),
  k("gocardless-token", "GoCardless API token", ["gocardless"], /^live_[a-z0-9_=-]{40}$/i, { fixed: /^live_/ }),
  k("heroku-api-key", "Heroku API key", ["heroku"], uuid, { severity: "critical" }),
  k("hubspot-api-key", "HubSpot API key", ["hubspot"], uuid),
  k("hubspot-private-app-token", "HubSpot private app token", ["hubspot"], /^pat-(?:na|eu)\d-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    fixed: /^pat-(?:na|eu)\d-/,
  }),
  k("intercom-token", "Intercom access token", ["intercom"], /^[a-z0-9=_-]{60}$/i),
  k("jfrog-api-key", "JFrog API key", ["jfrog", "artifactory", "bintray", "xray"], /^[a-z0-9]{73}$/i),
  k("jfrog-identity-token", "JFrog identity token", ["jfrog", "artifactory", "bintray", "xray"], /^[a-z0-9]{64}$/i),
  k("kraken-token", "Kraken API key", ["kraken"], /^[a-z0-9/=_+-]{80,90}$/i),
  k("kucoin-access-token", "KuCoin API key", ["kucoin"], /^[a-f0-9]{24}$/i),
  k("kucoin-secret-key", "KuCoin API secret", ["kucoin"], uuid),
  k("launchdarkly-token", "LaunchDarkly access token", ["launchdarkly"], /^[a-z0-9=_-]{40}$/i),
  k("launchdarkly-sdk-key", "LaunchDarkly SDK or API key", ["launchdarkly", "ld_sdk", "ld_api"], new RegExp(`^(?:sdk|api)-${UUID}$`), {
    fixed: /^(?:sdk|api)-/,
  }),
  k("linear-client-secret", "Linear client secret", ["linear"], /^[a-f0-9]{32}$/i, { entropy: 2 }),
  k("linkedin-client-secret", "LinkedIn client secret", ["linkedin", "linked_in", "linked-in"], /^[a-z0-9]{16}$/i, { entropy: 2 }),
  k("lob-api-key", "Lob API key", ["lob"], /^(?:live|test)_[a-f0-9]{35}$/i, { fixed: /^(?:live|test)_/ }),
  k("lob-publishable-key", "Lob publishable API key", ["lob"], /^(?:live|test)_pub_[a-f0-9]{31}$/i, { fixed: /^(?:live|test)_pub_/, publishable: true }),
  k("looker-client-secret", "Looker API client secret", ["looker"], /^[a-z0-9]{24}$/i),
  k("mailchimp-api-key", "Mailchimp API key", ["mailchimp"], /^[a-f0-9]{32}-us\d{1,2}$/i, { fixed: /-us\d+$/ }),
  k("mailgun-private-key", "Mailgun private API key", ["mailgun"], /^key-[a-f0-9]{32}$/i, { fixed: /^key-/ }),
  k("mailgun-public-key", "Mailgun public validation key", ["mailgun"], /^pubkey-[a-f0-9]{32}$/i, { fixed: /^pubkey-/, publishable: true }),
  k("mailgun-signing-key", "Mailgun webhook signing key", ["mailgun"], /^[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}$/i),
  k(
    "mapbox-public-token",
    "Mapbox public access token",
    ["mapbox"],
    /^pk\.[a-z0-9]{60}\.[a-z0-9]{22}$|^pk\.eyJ1Ijoi[A-Za-z0-9_-]{20,200}\.[A-Za-z0-9_-]{22}$/i,
    { fixed: /^pk\./, publishable: true },
  ),
  k("mattermost-token", "Mattermost access token", ["mattermost"], /^[a-z0-9]{26}$/i),
  k("messagebird-token", "MessageBird API key", ["messagebird", "message-bird", "message_bird"], /^[a-z0-9]{25}$/i),
  k("netlify-token", "Netlify access token", ["netlify"], /^[a-z0-9=_-]{40,46}$/i),
  k("new-relic-license-key", "New Relic license key", ["new-relic", "newrelic", "new_relic", "nr_license"], /^[a-f0-9]{36}NRAL$|^[a-f0-9]{40}$/i),
  k("nytimes-token", "New York Times API key", ["nytimes", "new-york-times", "newyorktimes"], /^[a-z0-9=_-]{32}$/i),
  k("okta-token", "Okta API token", ["okta"], /^00[\w=-]{40}$/, { key: /[Oo]kta|OKTA/, entropy: 4, fixed: /^00/ }),
  k("postmark-token", "Postmark server or account token", ["postmark"], uuid),
  k("sparkpost-key", "SparkPost API key", ["sparkpost"], /^[a-f0-9]{40}$/i, { entropy: 3 }),
  k("linode-token", "Linode (Akamai) personal access token", ["linode"], /^[a-f0-9]{64}$/i, { entropy: 3 }),
  k("vercel-token", "Vercel access token", ["vercel"], /^[A-Za-z0-9]{24}$/, { entropy: 3.5 }),
  k("notion-legacy-token", "Notion integration token (legacy)", ["notion"], /^secret_[A-Za-z0-9]{43}$/, { fixed: /^secret_/ }),
  k(
    "azure-devops-pat-legacy",
    "Azure DevOps personal access token",
    ["azure_devops", "azuredevops", "azure-devops", "ado_pat", "devops_pat", "ado_token", "azdo"],
    /^[a-z2-7]{52}$/,
    { entropy: 3.5, severity: "critical" },
  ),
  k("plaid-api-token", "Plaid access token", ["plaid"], new RegExp(`^access-(?:sandbox|development|production)-${UUID}$`), { fixed: /^access-\w+-/ }),
  k("plaid-secret-key", "Plaid secret", ["plaid"], /^[a-z0-9]{30}$/i, { entropy: 3.5 }),
  k("privateai-token", "Private AI API key", ["privateai", "private_ai", "private-ai"], /^[a-z0-9]{32}$/i, { entropy: 3 }),
  k("rapidapi-token", "RapidAPI key", ["rapidapi"], /^[a-z0-9_-]{50}$/i),
  k("sendbird-token", "Sendbird API token", ["sendbird"], /^[a-f0-9]{40}$/i),
  k("sentry-token", "Sentry auth token (legacy)", ["sentry"], /^[a-f0-9]{64}$/i, { entropy: 3 }),
  k(
    "sidekiq-secret",
    "Sidekiq Enterprise/Pro credentials",
    ["bundle_enterprise__contribsys__com", "bundle_gems__contribsys__com"],
    /^[a-f0-9]{8}:[a-f0-9]{8}$/i,
  ),
  k("snyk-token", "Snyk API token", ["snyk"], uuid, { key: /snyk[_.-]?(?:(?:api|oauth|auth)[_.-]?)?(?:key|token)/i }),
  k("sonar-token", "SonarQube/SonarCloud token", ["sonar"], /^(?:sq[pua]_)?[a-z0-9=_-]{40}$/i, { key: /sonar[_.-]?(?:login|token|auth)/i, fixed: /^sq[pua]_/ }),
  k("sourcegraph-token", "Sourcegraph access token", ["sourcegraph"], /^[a-f0-9]{40}$/i, { entropy: 3 }),
  k("squarespace-token", "Squarespace API key", ["squarespace"], uuid),
  k("sumologic-access-key", "Sumo Logic access key", ["sumo"], /^[a-z0-9]{64}$/i, { key: /[Ss]umo|SUMO/, entropy: 3 }),
  k("telegram-bot-token", "Telegram bot token", ["telegr"], /^\d{5,16}:A[a-z0-9_-]{34}$/i),
  k("travisci-token", "Travis CI access token", ["travis"], /^[a-z0-9]{22}$/i),
  k("trello-token", "Trello API token", ["trello"], /^[a-zA-Z0-9-]{32}$/),
  k("twilio-auth-token", "Twilio auth token", ["twilio"], /^[a-f0-9]{32}$/, { key: /token|auth|secret/i, entropy: 3, severity: "critical" }),
  k("twitch-token", "Twitch API token", ["twitch"], /^[a-z0-9]{30}$/i),
  k("twitter-api-key", "Twitter (X) API key", ["twitter"], /^[a-z0-9]{25}$/i),
  k("twitter-access-secret", "Twitter (X) access token secret", ["twitter"], /^[a-z0-9]{45}$/i),
  k("twitter-api-secret", "Twitter (X) API key secret", ["twitter"], /^[a-z0-9]{50}$/i),
  k("twitter-access-token", "Twitter (X) access token", ["twitter"], /^\d{15,25}-[a-zA-Z0-9]{20,40}$/, { fixed: /^\d+-/ }),
  k("twitter-bearer-token", "Twitter (X) bearer token", ["twitter"], /^A{22}[a-zA-Z0-9%]{80,100}$/, { fixed: /^A{22}/ }),
  k("vault-legacy-token", "HashiCorp Vault token (legacy)", ["vault"], /^s\.[a-zA-Z0-9]{24}$/, { entropy: 3.5, fixed: /^s\./, severity: "critical" }),
  k("yandex-access-token", "Yandex OAuth token", ["yandex"], /^t1\.[A-Z0-9a-z_-]+={0,2}\.[A-Z0-9a-z_-]{86}={0,2}$/, { fixed: /^t1\./ }),
  k("yandex-aws-access-token", "Yandex Cloud static access key", ["yandex"], /^YC[a-zA-Z0-9_-]{38}$/, { fixed: /^YC/ }),
  k("zendesk-secret-key", "Zendesk API token", ["zendesk"], /^[a-z0-9]{40}$/i),
];

/** Vendor names indexed by their first three letters, for one pass over a lower-cased key. */
const BY_TRIGRAM = new Map<string, { name: string; rules: KeyedRule[] }[]>();
for (const rule of KEYED_RULES) {
  for (const name of rule.vendors) {
    const tri = name.slice(0, 3);
    const list = BY_TRIGRAM.get(tri) ?? [];
    const entry = list.find((e) => e.name === name);
    if (entry) entry.rules.push(rule);
    else list.push({ name, rules: [rule] });
    BY_TRIGRAM.set(tri, list);
  }
}

/** Rules whose vendor the key names, in catalogue order. */
export function keyedRulesFor(key: string): KeyedRule[] {
  const lower = key.toLowerCase();
  let found: Set<KeyedRule> | null = null;
  for (let i = 0; i + 3 <= lower.length; i++) {
    const candidates = BY_TRIGRAM.get(lower.slice(i, i + 3));
    if (!candidates) continue;
    for (const c of candidates) {
      if (!lower.startsWith(c.name, i)) continue;
      found ??= new Set();
      for (const r of c.rules) found.add(r);
    }
  }
  if (!found) return [];
  const hit = found;
  return KEYED_RULES.filter((r) => hit.has(r) && (!r.key || r.key.test(key)));
}
