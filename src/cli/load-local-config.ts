/**
 * Reads `.github/agent.yml` from the local checkout through the same schema the app uses, so a
 * file that works on the CLI works on GitHub and the other way round. The checkout may be a
 * stranger's: the file is read only as a small regular file (a symlink to /dev/zero or to a key
 * elsewhere on the machine is refused, never followed or quoted in an error).
 */
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { parseRepoConfig } from "../config/parse-repo-config.js";
import { DEFAULT_REPO_CONFIG, type RepoConfig } from "../config/repo-config.js";
import { ConfigError } from "../shared/errors.js";
import { readRegularFile } from "../shared/read-regular-file.js";

export interface LocalConfig {
  config: RepoConfig;
  /** The file read, or undefined when the repo has none (all defaults). */
  file: string | undefined;
}

const CANDIDATES = [".github/agent.yml", ".github/agent.yaml"];
const MAX_BYTES = 1024 * 1024;

export async function loadLocalConfig(repoDir: string): Promise<LocalConfig> {
  for (const relative of CANDIDATES) {
    const file = path.join(repoDir, relative);
    let text: string;
    try {
      const read = await readRegularFile(file, MAX_BYTES);
      if (!read.ok && read.reason === "missing") continue;
      if (!read.ok) {
        const why =
          read.reason === "too-large"
            ? "is larger than 1 MiB"
            : read.reason === "not-regular"
              ? "is not a regular file (a symlink, FIFO or directory)"
              : "changed while it was read";
        throw new ConfigError("config/invalid-repo-config", `${relative} ${why}; not read`, [`${relative}: ${why}`]);
      }
      text = read.bytes.toString("utf8");
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(
        "config/invalid-repo-config",
        `Cannot read ${relative}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
        [`${relative}: cannot be read`],
        { cause: error },
      );
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
