import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Folder boundaries from DESIGN.md, enforced rather than documented.
// Flat config replaces a rule per file rather than merging it, so every entry repeats the nock ban.
const noNock = { group: ["nock"], message: "nock belongs to tests." };
const restrict = (files, patterns) => ({
  files,
  rules: { "no-restricted-imports": ["error", { patterns: [noNock, ...patterns] }] },
});

export default tseslint.config(
  { ignores: ["lib/**", "node_modules/**", "coverage/**", ".data/**", "fixtures/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-aware rules on the app's code: a dropped promise is a lost error or an unawaited side effect.
    files: ["src/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
    },
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-empty": ["error", { allowEmptyCatch: false }],
    },
  },
  restrict(["src/**"], []),
  restrict(
    ["src/agent/**"],
    [
      { group: ["probot", "@octokit/*", "isomorphic-git", "isomorphic-git/*"], message: "agent/ works on a directory: no GitHub or git libraries." },
      { group: ["**/github/**", "**/workspace/**", "**/handlers/**", "**/tasks/**", "**/jobs/**"], message: "agent/ must not reach into the app's edges." },
    ],
  ),
  restrict(
    ["src/sandbox/**"],
    [
      {
        group: [
          "probot",
          "@octokit/*",
          "isomorphic-git",
          "openai",
          "**/github/**",
          "**/workspace/**",
          "**/agent/**",
          "**/jobs/**",
          "**/tasks/**",
          "**/review/**",
        ],
        message: "sandbox/ knows nothing about git, GitHub or the model.",
      },
    ],
  ),
  restrict(
    ["src/workspace/**"],
    [
      {
        group: ["probot", "@octokit/*", "openai", "**/agent/**", "**/github/**", "**/handlers/**"],
        message: "workspace/ knows nothing about the model or GitHub.",
      },
    ],
  ),
  restrict(
    ["src/handlers/**"],
    [
      {
        group: ["**/agent/**", "**/sandbox/**", "**/workspace/**", "**/review/**", "isomorphic-git", "openai"],
        message: "handlers/ are thin: enqueue a job instead.",
      },
      { group: ["**/tasks/**", "!**/tasks/job-payloads.js"], message: "handlers/ reach tasks/ only through the job request API (tasks/job-payloads.ts)." },
      {
        group: [
          "**/github/**",
          "!**/github/repo-github.js",
          "!**/github/client.js",
          "!**/github/token-scopes.js",
          "!**/github/quota.js",
          "!**/github/markers.js",
        ],
        message:
          "handlers/ call GitHub through the repository port (github/repo-github.ts), made by github/client.ts with a scope from github/token-scopes.ts; github/markers.ts and quota.ts are the pure helpers they may use.",
      },
    ],
  ),
  restrict(
    ["src/tasks/**"],
    [
      { group: ["**/cli/**", "**/handlers/**"], message: "tasks/ run jobs; the CLI and the webhook handlers sit above them." },
      {
        group: [
          "**/github/**",
          "!**/github/repo-github.js",
          "!**/github/client.js",
          "!**/github/token-scopes.js",
          "!**/github/markers.js",
          "!**/github/status-reporter.js",
          "!**/github/format-status.js",
          "!**/github/quota.js",
        ],
        message:
          "tasks/ call GitHub through the repository port (github/repo-github.ts; the task frame hands it to the body), made by github/client.ts with a scope from github/token-scopes.ts; status-reporter.ts is the status reporter (it writes only through a function the frame binds to one comment), and markers.ts, format-status.ts and quota.ts are the pure helpers they may use.",
      },
    ],
  ),
  restrict(
    ["src/github/**"],
    [{ group: ["openai", "**/agent/**", "**/workspace/**", "**/sandbox/**"], message: "github/ knows nothing about the model or the workspace." }],
  ),
  restrict(["src/review/**"], [{ group: ["probot"], message: "review/ produces findings; it does not talk to Probot." }]),
  restrict(
    ["src/jobs/**"],
    [
      {
        group: ["**/tasks/**", "**/handlers/**", "**/agent/**", "**/workspace/**", "**/sandbox/**", "**/review/**", "**/github/**", "openai", "isomorphic-git"],
        message: "jobs/ is the queue: it must not know what a job does.",
      },
    ],
  ),
  restrict(
    ["src/config/**"],
    [
      {
        group: [
          "**/tasks/**",
          "**/handlers/**",
          "**/jobs/**",
          "**/agent/**",
          "**/workspace/**",
          "**/sandbox/**",
          "**/review/**",
          "**/github/**",
          "**/cli/**",
          "**/server/**",
        ],
        message: "config/ is the bottom layer: schemas and parsing only.",
      },
    ],
  ),
  restrict(
    ["src/shared/**"],
    [
      {
        group: [
          "**/tasks/**",
          "**/handlers/**",
          "**/jobs/**",
          "**/agent/**",
          "**/workspace/**",
          "**/sandbox/**",
          "**/review/**",
          "**/github/**",
          "**/cli/**",
          "**/server/**",
          "**/config/**",
          "probot",
          "@octokit/*",
          "openai",
          "isomorphic-git",
        ],
        message: "shared/ holds pure helpers every layer may use; it imports none of them.",
      },
    ],
  ),
  {
    // Operator settings are parsed once in config/ and passed down; nothing else reads the environment.
    files: ["src/**"],
    ignores: ["src/config/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read settings from the parsed Env (config/env.ts) or config/process-env.ts." },
      ],
    },
  },
  {
    // Every Octokit call lives in github/ (DESIGN: one GitHub port); the config loader only hands
    // Probot's config plugin the request function.
    files: ["src/**"],
    ignores: ["src/github/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name=/octokit/i][property.name=/^(rest|paginate|graphql)$/]",
          message: "Call GitHub through a function in src/github/.",
        },
      ],
    },
  },
);
