/**
 * Reads `.github/agent.yml` from the local checkout through the same schema the app uses, so a
 * file that works on the CLI works on GitHub and the other way round.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { parseRepoConfig } from "../config/parse-repo-config.js";
import { DEFAULT_REPO_CONFIG, type RepoConfig } from "../config/repo-config.js";
import { ConfigError } from "../shared/errors.js";

export interface LocalConfig {
  config: RepoConfig;
  /** The file read, or undefined when the repo has none (all defaults). */
  file: string | undefined;
}

const CANDIDATES = [".github/agent.yml", ".github/agent.yaml"];

export async function loadLocalConfig(repoDir: string): Promise<LocalConfig> {
  for (const relative of CANDIDATES) {
    const file = path.join(repoDir, relative);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw new ConfigError("config/invalid-repo-config", `Cannot read ${relative}: ${(error as Error).message}`, [`${relative}: cannot be read`], { cause: error });
    }
    let raw: unknown;
    try {
      raw = parseYaml(text) ?? {};
    } catch (error) {
      const issue = `${relative}: is not valid YAML (${(error as Error).message.split("\n")[0]})`;
      throw new ConfigError("config/invalid-repo-config", issue, [issue], { cause: error });
    }
    // The app's own parser: same defaults, same `key.path: problem` messages as on GitHub.
    return { config: parseRepoConfig(raw, [relative]), file };
  }
  return { config: structuredClone(DEFAULT_REPO_CONFIG), file: undefined };
}
