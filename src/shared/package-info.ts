/**
 * This package's name, version and home page, read from package.json (the same file for src/ and
 * lib/ builds, and shipped in every npm package), so what the app and the CLI report about
 * themselves (`--version`, SARIF's tool driver) never drifts from the release.
 */
import { readFileSync } from "node:fs";

export interface PackageInfo {
  name: string;
  version: string;
  homepage: string;
}

const FALLBACK_HOMEPAGE = "https://github.com/issue-agent/issue-agent";

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { name?: string; version?: string; homepage?: string };
  cached = { name: manifest.name ?? "issue-agent", version: manifest.version ?? "0.0.0", homepage: manifest.homepage ?? FALLBACK_HOMEPAGE };
  return cached;
}
