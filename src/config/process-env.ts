/**
 * The only reads of `process.env` besides env.ts: the few host values child processes need (where
 * programs are, where temporary files go) and the two variables setup mode reads as Probot did.
 * Everything the operator configures goes through env.ts. Lint forbids `process.env` elsewhere.
 */
export function hostPath(): string {
  return process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin";
}

export function hostTmpDir(): string {
  return process.env.TMPDIR ?? "/tmp";
}

export function nodeEnv(): string {
  return process.env.NODE_ENV ?? "production";
}

/** The whole environment, for an entry point to parse once (`parseEnv(processEnv())`). */
export function processEnv(): NodeJS.ProcessEnv {
  return process.env;
}

/** NODE_ENV as set (setup mode refuses to run in production). */
export function nodeEnvSetting(): string | undefined {
  return process.env.NODE_ENV;
}

/** GH_ORG: register the App under this organization in setup mode (Probot's variable). */
export function ghOrgSetting(): string | undefined {
  return process.env.GH_ORG;
}
