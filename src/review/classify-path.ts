/**
 * Which changed files the review reads, and why the others are skipped. Lockfiles are not read by
 * the model (the dependency check covers them); vendored and generated code is not ours to review;
 * binary files have no lines. Secrets are still scanned everywhere text exists.
 */
import ignore from "ignore";
import type { SkippedFile } from "./types.js";

const LOCKFILES = new Set([
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "poetry.lock",
  "Pipfile.lock",
  "go.sum",
  "Cargo.lock",
  "Gemfile.lock",
  "composer.lock",
  "bun.lock",
  "uv.lock",
  "packages.lock.json",
]);

const VENDORED = /(^|\/)(node_modules|vendor|third_party|third-party|bower_components|\.yarn|Pods|external)\//;
const GENERATED =
  /(\.min\.(js|css)$|\.map$|(^|\/)(dist|build|out|coverage|\.next)\/|\.pb\.go$|_pb2\.py$|\.generated\.[a-z]+$|\.g\.dart$|(^|\/)__generated__\/|\.snap$)/;
const BINARY_EXT =
  /\.(png|jpe?g|gif|webp|ico|bmp|pdf|zip|gz|tgz|bz2|xz|7z|jar|war|class|so|dylib|dll|exe|bin|woff2?|ttf|otf|eot|mp[34]|mov|avi|wasm|pyc|o|a)$/i;

export function basename(p: string): string {
  const i = p.lastIndexOf("/");
  return i >= 0 ? p.slice(i + 1) : p;
}

export function isLockfile(p: string): boolean {
  return LOCKFILES.has(basename(p));
}

/** Requirements files are manifests with pinned versions; the dependency check reads them too. */
export function isDependencyFile(p: string): boolean {
  return isLockfile(p) || /^requirements[^/]*\.txt$/.test(basename(p));
}

export function isVendored(p: string): boolean {
  return VENDORED.test(p);
}

export function isGenerated(p: string): boolean {
  return GENERATED.test(p);
}

export function isBinaryPath(p: string): boolean {
  return BINARY_EXT.test(p);
}

export interface ClassifyOptions {
  /** `review.ignorePaths` globs (gitignore syntax). */
  ignorePaths?: readonly string[];
}

export type Classifier = (p: string) => SkippedFile["reason"] | null;

/** The reason a path is skipped by the model review, or null when it is reviewed. */
export function createClassifier(options: ClassifyOptions = {}): Classifier {
  const ig = ignore().add([...(options.ignorePaths ?? [])]);
  return (p: string) => {
    if (isBinaryPath(p)) return "binary";
    if (isLockfile(p)) return "lockfile";
    if (isVendored(p)) return "vendored";
    if (isGenerated(p)) return "generated";
    if ((options.ignorePaths ?? []).length > 0 && ig.ignores(p)) return "ignored";
    return null;
  };
}
