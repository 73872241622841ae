/**
 * The only reads of `process.env` outside the entry points' `parseEnv(process.env)`: the few host
 * values that child processes need (where programs are, where temporary files go). Everything the
 * operator configures goes through env.ts instead.
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
