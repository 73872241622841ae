/**
 * Files that CI or developer tooling executes (or that decide what gets executed) when someone
 * installs, builds or tests the branch. A prompt-injected agent that edits one of them gets its code
 * run by `pull_request` workflows with the repository's secrets, before any human read the diff.
 * The agent may change them (that is often the task), but every such change is listed in a warning
 * block at the top of the pull request body and in the status comment. The README documents the list.
 *
 * Patterns match the file's path anywhere in the tree (monorepos have many manifests).
 */
export interface ExecutedPathKind {
  kind: string;
  /** Why a change here matters, shown next to the file. */
  why: string;
  patterns: readonly RegExp[];
}

const base = (names: string): RegExp => new RegExp(`(^|/)(${names})$`, "i");

export const EXECUTED_PATHS: readonly ExecutedPathKind[] = [
  {
    kind: "package manifest",
    why: "its scripts and hooks run on install, build and test",
    patterns: [
      base(
        "package\\.json|pyproject\\.toml|setup\\.cfg|Pipfile|composer\\.json|Gemfile|[^/]+\\.gemspec|Cargo\\.toml|deno\\.jsonc?|bunfig\\.toml|pom\\.xml|build\\.gradle(\\.kts)?|settings\\.gradle(\\.kts)?|gradle\\.properties|go\\.mod|mix\\.exs|pubspec\\.yaml|[^/]+\\.csproj|Directory\\.Build\\.(props|targets)",
      ),
    ],
  },
  {
    kind: "lockfile",
    why: "decides which dependency code (and install scripts) runs",
    patterns: [
      base(
        "package-lock\\.json|npm-shrinkwrap\\.json|yarn\\.lock|pnpm-lock\\.yaml|bun\\.lockb?|poetry\\.lock|Pipfile\\.lock|uv\\.lock|requirements[^/]*\\.(txt|in)|Gemfile\\.lock|Cargo\\.lock|composer\\.lock|go\\.sum",
      ),
    ],
  },
  {
    kind: "build script",
    why: "runs when the project is built or installed",
    patterns: [
      base(
        "Makefile|GNUmakefile|makefile|[^/]+\\.mk|justfile|Justfile|Taskfile\\.ya?ml|Rakefile|CMakeLists\\.txt|[^/]+\\.cmake|meson\\.build|BUILD(\\.bazel)?|WORKSPACE(\\.bazel)?|MODULE\\.bazel|[^/]+\\.bzl|build\\.rs|setup\\.py|gradlew(\\.bat)?|mvnw(\\.cmd)?|Dockerfile[^/]*|[^/]*\\.dockerfile|docker-compose[^/]*\\.ya?ml|compose\\.ya?ml",
      ),
      base(
        "(webpack|rollup|vite|esbuild|tsup|turbo|nx|babel|postcss|tailwind|next|nuxt|svelte|astro|gulpfile|Gruntfile)(\\.config)?\\.[cm]?[jt]s|\\.babelrc(\\.[a-z]+)?|turbo\\.json|nx\\.json",
      ),
    ],
  },
  {
    kind: "test configuration",
    why: "runs when the tests run",
    patterns: [
      base("conftest\\.py|pytest\\.ini|tox\\.ini|noxfile\\.py|\\.coveragerc|phpunit\\.xml(\\.dist)?|\\.rspec|\\.mocharc\\.[a-z]+|karma\\.conf\\.[cm]?[jt]s"),
      base(
        "(jest|vitest|vitest\\.workspace|playwright|cypress|ava|mocha|jasmine|wdio|nightwatch)\\.config\\.[cm]?[jt]s|jest\\.config\\.json|\\.jest\\.config\\.[a-z]+",
      ),
      /(^|\/)(spec|test|tests)\/(setup|support)[^/]*\.[cm]?[jt]s$/i,
    ],
  },
  {
    kind: "package-manager or tool dotfile",
    why: "changes registries, install hooks or the tool versions that run",
    patterns: [
      base(
        "\\.npmrc|\\.yarnrc(\\.yml)?|\\.pnpmfile\\.cjs|pnpm-workspace\\.yaml|\\.pypirc|pip\\.conf|\\.condarc|\\.bundle/config|\\.cargo/config(\\.toml)?|\\.mvn/[^/]+|\\.nvmrc|\\.node-version|\\.python-version|\\.ruby-version|\\.tool-versions|mise\\.toml|\\.envrc|\\.pre-commit-config\\.yaml|lefthook\\.ya?ml|\\.lintstagedrc[^/]*|\\.gitattributes",
      ),
      /(^|\/)\.yarn\/(plugins|releases)\//i,
    ],
  },
  {
    kind: "devcontainer",
    why: "its commands run when a codespace or dev container starts",
    patterns: [/(^|\/)\.devcontainer(\/|\.json$)/i, base("\\.gitpod\\.ya?ml|\\.replit|replit\\.nix")],
  },
  {
    kind: "editor task",
    why: "editors run these tasks and launch configurations",
    patterns: [/(^|\/)\.vscode\/(tasks|launch|settings|extensions)\.json$/i, /(^|\/)\.idea\/(runConfigurations|workspace\.xml)/i, /(^|\/)\.zed\/tasks\.json$/i],
  },
];

export interface ExecutedChange {
  path: string;
  kind: string;
  why: string;
}

export function executedChangesIn(paths: readonly string[]): ExecutedChange[] {
  const out: ExecutedChange[] = [];
  for (const path of paths) {
    const hit = EXECUTED_PATHS.find((k) => k.patterns.some((re) => re.test(path)));
    if (hit) out.push({ path, kind: hit.kind, why: hit.why });
  }
  return out;
}
