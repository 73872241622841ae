/**
 * Self-identifying vendor formats (secret-rules.ts), one family at a time: a real-format value is
 * reported under its vendor rule, and the look-alikes of the same family are not (wrong length,
 * inside a longer word, a placeholder body, the vendor's own documentation key).
 */
import { describe, expect, it } from "vitest";
import { SECRET_RULES } from "../../../src/review/secret-rules.js";
import { hits, make, rand, uuid, ALPHA } from "./secret-samples.js";

type Case = [name: string, path: string, content: string, ruleId: string];

const families: Record<string, { found: Case[]; quiet: [name: string, path: string, content: string][] }> = {
  "cloud providers": {
    found: [
      ["AWS access key ID in an env file", ".env", `AWS_ACCESS_KEY_ID=${make.awsKeyId()}`, "aws-access-key-id"],
      ["AWS secret access key in an ini profile", "credentials", `aws_secret_access_key = ${make.awsSecret()}`, "aws-secret-access-key"],
      ["Google API key in a JS config", "src/firebase.ts", `export const config = { apiKey: "${make.gcpKey()}" };`, "gcp-api-key"],
      ["Entra ID client secret in appsettings", "appsettings.json", `  "ClientSecret": "${make.azureAdSecret()}",`, "azure-ad-client-secret"],
      [
        "Azure Storage connection string",
        "local.settings.json",
        `"AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=shopdata;AccountKey=${rand(ALPHA.b64, 86, 50)}==;EndpointSuffix=core.windows.net"`,
        "azure-storage-key",
      ],
      ["DigitalOcean token", "deploy.sh", `doctl auth init -t dop_v1_${make.hex(64, 51)}`, "digitalocean-token"],
      ["HashiCorp Vault service token", "ci.env", `VAULT_TOKEN=${make.vault()}`, "vault-service-token"],
      ["age secret key", "keys.txt", `# created: 2026-01-02\n${make.ageKey()}`, "age-secret-key"],
      ["Google OAuth refresh token", "token.json", `{ "refresh_token": "1//0${rand(ALPHA.url, 60, 52)}" }`, "google-oauth-refresh-token"],
      [
        "Azure DevOps PAT (84 characters with its AZDO signature)",
        "pipeline.env",
        `AZURE_DEVOPS_EXT_PAT=${rand(ALPHA.b62, 76, 53)}AZDO${rand(ALPHA.b62, 4, 54)}`,
        "azure-devops-pat",
      ],
      ["Supabase access token", "supabase.env", `SUPABASE_ACCESS_TOKEN=sbp_${make.hex(40, 55)}`, "supabase-token"],
    ],
    quiet: [
      ["AWS's documented example key ID", "README.md", "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE"],
      ["AWS's documented example secret", "README.md", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
      ["an all-caps word that starts like a key ID", "notes.txt", "AKIAPOLOGIESFORTHEDELAYTODAY is not a key"],
      ["a run of tildes", "README.md", "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~"],
    ],
  },
  "source hosting, registries and CI": {
    found: [
      ["GitHub classic PAT", "scripts/release.sh", `GH_TOKEN=${make.githubPat()} gh release create v1.2.0`, "github-token"],
      ["GitHub fine-grained PAT", ".npmrc", `//npm.pkg.github.com/:_authToken=${make.githubFineGrained()}`, "github-fine-grained-pat"],
      ["GitLab PAT", ".gitlab-ci.yml", `  script: curl --header "PRIVATE-TOKEN: ${make.gitlabPat()}" "$CI_API_V4_URL/projects"`, "gitlab-token"],
      ["npm token", ".npmrc", `//registry.npmjs.org/:_authToken=${make.npm()}`, "npm-token"],
      ["PyPI upload token", ".pypirc", `password = ${make.pypi()}`, "pypi-token"],
      ["Docker Hub token", "ci/login.sh", `echo "${make.dockerHub()}" | docker login -u shipbot --password-stdin`, "docker-hub-token"],
      ["Tailscale auth key", "cloud-init.yaml", `  - tailscale up --authkey=${make.tailscale()}`, "tailscale-key"],
      ["NuGet API key", "publish.ps1", `dotnet nuget push *.nupkg --api-key oy2${make.lowerAlnum(43, 56)}`, "nuget-api-key"],
      ["Mailchimp API key, known by its data-centre suffix alone", "newsletter.txt", `${make.hex(32, 64)}-us21`, "mailchimp-api-key"],
      [
        "Buildkite API access token",
        "pipeline.sh",
        `curl -H "Authorization: Bearer bkua_${make.hex(40, 58)}" https://api.buildkite.com/v2/user`,
        "buildkite-token",
      ],
      ["CircleCI personal API token", "release.md", `Token for the release job: CCIPAT_${make.b62(22, 59)}_${make.hex(40, 60)}`, "circleci-pat"],
      ["Contentful personal access token", "contentful.sh", `contentful login --management-token CFPAT-${rand(ALPHA.url, 43, 61)}`, "contentful-pat"],
      ["Doppler service token naming its config", "Procfile", `release: DOPPLER_TOKEN=dp.st.prd.${make.b62(43, 62)} ./migrate`, "doppler-token"],
      ["Bitbucket app password", "ci.sh", `git clone https://bot:ATBB${make.b62(32, 57)}@bitbucket.org/acme/app.git`, "bitbucket-app-password"],
    ],
    quiet: [
      ["a GitHub token spelled out in words", "README.md", "token: 'ghs_InstallationTokenGoesHere0000000000'"],
      ["a GitHub token one character short", "a.txt", `ghp_${make.b62(35)}`],
      ["a digest followed by a region name", "deploy.log", `artifact ${make.hex(32, 65)}-us-east-1 uploaded`],
      ["a Buildkite token one hex digit short", "a.txt", `bkua_${make.hex(39, 63)}`],
      ["a CircleCI token of filler", "README.md", "export CIRCLE_TOKEN=CCIPAT_xxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    ],
  },
  "AI services": {
    found: [
      ["OpenAI project key", "notebook.py", `client = OpenAI(api_key="${make.openai()}")`, "openai-key"],
      ["Anthropic key", ".env.local", `ANTHROPIC_API_KEY=${make.anthropic()}`, "anthropic-key"],
      ["Hugging Face token in a CLI call", "setup.sh", `huggingface-cli login --token ${make.huggingface()}`, "huggingface-token"],
      ["Groq key", "config.toml", `groq_key = "${make.groq()}"`, "groq-key"],
      ["Replicate token", "predict.py", `replicate.Client(api_token="r8_${make.b62(37, 58)}")`, "replicate-token"],
    ],
    quiet: [
      ["an identifier that starts with hf_", "driver.c", "  &hf_servingcellpriorityparametersdescription_h_prio),"],
      ["an OpenAI key truncated in docs", "docs/ai.md", "Set `OPENAI_API_KEY=sk-proj-...` in your shell."],
    ],
  },
  "messaging and webhooks": {
    found: [
      ["Slack bot token", "bot/config.yaml", `slack:\n  bot_token: ${make.slackBot()}`, "slack-bot-token"],
      ["Slack webhook with https", "alerts.py", `WEBHOOK = "https://${make.slackWebhookPath()}"`, "slack-webhook"],
      ["Slack webhook with http", "alerts.sh", `curl -X POST -d @msg.json http://${make.slackWebhookPath(60)}`, "slack-webhook"],
      ["Slack webhook without a scheme", "notes.md", `posting to ${make.slackWebhookPath(61)} for now`, "slack-webhook"],
      ["Discord bot token", "bot.js", `client.login("${make.discordBot()}");`, "discord-bot-token"],
      ["Telegram bot token", "bot.py", `bot = telebot.TeleBot("${make.telegram()}")`, "telegram-bot-token"],
      ["SendGrid key", "mailer.rb", `SendGrid::API.new(api_key: '${make.sendgrid()}')`, "sendgrid-key"],
      ["Twilio API key SID", "sms.go", `const twilioKeySid = "${make.twilioKey()}"`, "twilio-api-key"],
    ],
    quiet: [
      ["a file name that starts with xoxo-", "docs/team.md", "![party](images/xoxo-offsite-2019-group-photo.jpg)"],
      ["a repository named xoxa-", "README.md", "see https://github.com/xoxa-events/xoxa-events.github.io for the site"],
      ["a Slack token placeholder", "app.json", '{ "token": "xoxb-your-bot-token-here" }'],
      ["a Slack webhook with a filler path", "README.md", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"],
    ],
  },
  "payments and commerce": {
    found: [
      ["Stripe live key", "billing/stripe.php", `\\Stripe\\Stripe::setApiKey('${make.stripeLive()}');`, "stripe-live-key"],
      ["Shopify admin token", "shop.ts", `const adminToken = "${make.shopify()}";`, "shopify-token"],
      ["1Password account secret key", "emergency-kit.txt", `Secret Key: ${make.onePasswordSecretKey()}`, "onepassword-secret-key"],
    ],
    quiet: [
      ["Stripe's documented test key", "README.md", "Stripe.api_key = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc'"],
      ["a Stripe publishable test key", "checkout.js", `Stripe("pk_test_${make.b62(24, 70)}")`],
      ["a word that merely contains sk_live_", "a.py", "task_live_update = True"],
    ],
  },
  "infrastructure tokens": {
    found: [
      ["Databricks token", "profile.cfg", `[DEFAULT]\nhost = https://adb-1.azuredatabricks.net\ntoken = ${make.databricks()}`, "databricks-token"],
      ["Doppler token", "Dockerfile", `ENV DOPPLER_TOKEN=${make.doppler()}`, "doppler-token"],
      ["Ethereum private key under its name", "hardhat.config.js", `accounts: ["${make.ethereumKey()}"], // deployer private key`, "ethereum-private-key"],
      ["Ethereum private key pasted in prose", "notes.txt", `Use this wallet for the demo: ${make.ethereumKey(80)}`, "ethereum-private-key"],
    ],
    quiet: [
      ["a transaction hash", "tx.json", `{ "transactionHash": "${make.ethereumKey(81)}" }`],
      ["a block hash in prose", "notes.txt", `Block hash ${make.ethereumKey(82)} was reorged.`],
      ["a zero-padded ABI word", "abi.txt", "0x0000000000000000000000000000000000000000000000000000000000000001"],
    ],
  },
  "developer platforms, known by their prefix alone": {
    found: [
      ["SonarQube user token", "sonar.txt", `Token for CI: squ_${make.hex(40, 70)}`, "sonarqube-token"],
      ["NVIDIA API key", "notes.md", `key nvapi-${rand(ALPHA.url, 64, 71)} for the demo`, "nvidia-api-key"],
      ["OpenRouter API key", "chat.py", `client = OpenAI(base_url=BASE, api_key="sk-or-v1-${make.hex(64, 72)}")`, "openrouter-api-key"],
      ["Stripe webhook signing secret", "webhooks.md", `endpoint secret whsec_${make.b62(32, 73)}`, "stripe-webhook-secret"],
      ["Tencent Cloud SecretId", "cos.ini", `secret_id = AKID${make.b62(32, 74)}`, "tencent-secret-id"],
      ["HubSpot private app token", "crm.txt", `pat-na1-${uuid(75)}`, "hubspot-private-app-token"],
      ["LangSmith API key", "trace.env", `LANGCHAIN_API_KEY=lsv2_pt_${make.hex(32, 76)}_${make.hex(10, 77)}`, "langsmith-api-key"],
      ["Astra DB token", "astra.txt", `AstraCS:${rand(ALPHA.letters, 24, 78)}:${make.hex(64, 79)}`, "astra-db-token"],
      ["PostHog personal API key", "analytics.txt", `phx_${make.b62(47, 80)}`, "posthog-personal-key"],
      ["MailerSend API token", "mail.txt", `mlsn.${make.hex(64, 81)}`, "mailersend-token"],
      ["Pinecone API key", "vector.txt", `pcsk_${make.b62(6, 82)}_${make.b62(64, 83)}`, "pinecone-api-key"],
    ],
    quiet: [
      ["a SonarQube-prefixed value one hex digit short", "notes.txt", `squ_${make.hex(39, 85)}`],
      ["a HubSpot portal ID in a URL path", "crm.txt", "https://app.hubspot.com/contacts/12345678/objects/0-1/views/all/list"],
      ["a PostHog project key (public by design, phc_)", "analytics.ts", `posthog.init("phc_${make.b62(43, 84)}")`],
    ],
  },
};

describe("vendor formats", () => {
  for (const [family, cases] of Object.entries(families)) {
    describe(family, () => {
      it.each(cases.found)("finds %s", async (_name, path, content, ruleId) => {
        expect((await hits(path, content)).map(([, r]) => r)).toContain(ruleId);
      });
      it.each(cases.quiet)("stays quiet on %s", async (_name, path, content) => {
        expect(await hits(path, content)).toEqual([]);
      });
    });
  }

  it("names a vendor format in every rule title and keeps rule ids unique", () => {
    const ids = SECRET_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of SECRET_RULES) {
      expect(r.title.length).toBeGreaterThan(5);
      expect(r.pattern.flags).toContain("g");
      for (const k of r.keywords) expect(k).toBe(k.toLowerCase());
    }
  });

  it("runs every vendor pattern in linear time on a hostile line", () => {
    const hostile = `${"a".repeat(3000)}${"0x".repeat(500)}${"-".repeat(2000)}${"ey".repeat(500)}`;
    const started = performance.now();
    let matches = 0;
    for (const r of SECRET_RULES) matches += [...hostile.matchAll(r.pattern)].length;
    // Filler is not a credential of any vendor format, and no pattern backtracks on it.
    expect(matches).toBe(0);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
