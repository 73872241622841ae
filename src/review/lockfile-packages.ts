/**
 * Package versions a diff adds to a lockfile or pinned manifest, with the RIGHT-side line that adds
 * them (so a vulnerable version gets an inline comment on the line that introduced it). Context
 * lines are read too: a version bump in package-lock.json often changes only the `"version"` line
 * under an unchanged `"node_modules/x": {` header.
 */
import { basename } from "./classify-path.js";
import type { DiffFile } from "./parse-diff.js";

export type OsvEcosystem = "npm" | "PyPI" | "Go" | "crates.io" | "RubyGems";

export interface AddedPackage {
  ecosystem: OsvEcosystem;
  name: string;
  version: string;
  path: string;
  line: number;
}

interface RightLine {
  text: string;
  line: number;
  added: boolean;
}

function rightLines(file: DiffFile): RightLine[] {
  const out: RightLine[] = [];
  for (const h of file.hunks) for (const l of h.lines) if (l.newLine !== undefined) out.push({ text: l.text, line: l.newLine, added: l.kind === "add" });
  return out;
}

/** `@scope/name@^1.0.0` or `name@npm:^1` → `@scope/name`. */
function npmNameFromSpec(spec: string): string {
  const s = spec.trim().replace(/^["']|["']$/g, "");
  const at = s.indexOf("@", 1);
  return at > 0 ? s.slice(0, at) : s;
}

function packageLock(lines: RightLine[], push: (name: string, version: string, line: number) => void): void {
  let current: string | null = null;
  for (const l of lines) {
    const key = /^\s*"([^"]+)": \{\s*$/.exec(l.text);
    if (key?.[1]) {
      const k = key[1];
      const nm = k.lastIndexOf("node_modules/");
      current =
        nm >= 0
          ? k.slice(nm + 13)
          : ["packages", "dependencies", "requires", "engines", "bin", "funding", "peerDependencies", "devDependencies", "optionalDependencies", ""].includes(k)
            ? null
            : k;
      continue;
    }
    const v = /^\s*"version": "([^"]+)"/.exec(l.text);
    if (v?.[1] && current && l.added) push(current, v[1], l.line);
  }
}

function yarnLock(lines: RightLine[], push: (name: string, version: string, line: number) => void): void {
  let current: string | null = null;
  for (const l of lines) {
    if (/^\S.*:\s*$/.test(l.text) && !l.text.startsWith("#")) {
      current = npmNameFromSpec(l.text.replace(/:\s*$/, "").split(",")[0] ?? "");
      continue;
    }
    const v = /^\s+version:?\s+"?([^"\s]+)"?/.exec(l.text);
    if (v?.[1] && current && l.added) push(current, v[1], l.line);
  }
}

function pnpmLock(lines: RightLine[], push: (name: string, version: string, line: number) => void): void {
  for (const l of lines) {
    if (!l.added) continue;
    // v6+: `  /name@1.2.3:` or `  'name@1.2.3(peer@x)':`; v9 without the slash; v5: `  /name/1.2.3:`.
    const m = /^\s{2}['"]?\/?((?:@[^/@\s'"]+\/)?[^/@\s'"]+)[@/](\d[^:'"()\s]*)(?:\([^)]*\))*['"]?:\s*$/.exec(l.text);
    if (m?.[1] && m[2]) push(m[1], m[2], l.line);
  }
}

function tomlPackages(lines: RightLine[], push: (name: string, version: string, line: number) => void): void {
  let current: string | null = null;
  for (const l of lines) {
    if (/^\[\[package\]\]/.test(l.text)) current = null;
    const n = /^name = "([^"]+)"/.exec(l.text);
    if (n?.[1]) current = n[1];
    const v = /^version = "([^"]+)"/.exec(l.text);
    if (v?.[1] && current && l.added) push(current, v[1], l.line);
  }
}

function requirements(lines: RightLine[], push: (name: string, version: string, line: number) => void): void {
  for (const l of lines) {
    const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9.!+*_-]+)/.exec(l.text);
    if (m?.[1] && m[2] && l.added && !m[2].includes("*")) push(m[1], m[2], l.line);
  }
}

function goSum(lines: RightLine[], push: (name: string, version: string, line: number) => void): void {
  for (const l of lines) {
    const m = /^(\S+) v([^\s/]+) h1:/.exec(l.text);
    if (m?.[1] && m[2] && l.added) push(m[1], m[2].replace(/\+incompatible$/, ""), l.line);
  }
}

function gemfileLock(lines: RightLine[], push: (name: string, version: string, line: number) => void): void {
  for (const l of lines) {
    const m = /^ {4}([A-Za-z0-9_.-]+) \(([^)\s]+)\)\s*$/.exec(l.text);
    if (m?.[1] && m[2] && l.added) push(m[1], m[2].replace(/-(x86|arm|aarch|java|universal|x64)[\w-]*$/, ""), l.line);
  }
}

const PARSERS: { test: (name: string) => boolean; ecosystem: OsvEcosystem; parse: typeof packageLock }[] = [
  { test: (n) => n === "package-lock.json" || n === "npm-shrinkwrap.json", ecosystem: "npm", parse: packageLock },
  { test: (n) => n === "yarn.lock", ecosystem: "npm", parse: yarnLock },
  { test: (n) => n === "pnpm-lock.yaml", ecosystem: "npm", parse: pnpmLock },
  { test: (n) => n === "poetry.lock", ecosystem: "PyPI", parse: tomlPackages },
  { test: (n) => /^requirements[^/]*\.txt$/.test(n), ecosystem: "PyPI", parse: requirements },
  { test: (n) => n === "go.sum", ecosystem: "Go", parse: goSum },
  { test: (n) => n === "Cargo.lock", ecosystem: "crates.io", parse: tomlPackages },
  { test: (n) => n === "Gemfile.lock", ecosystem: "RubyGems", parse: gemfileLock },
];

/** Every package version the diff adds, one entry per (ecosystem, name, version). */
export function findAddedPackages(files: readonly DiffFile[]): AddedPackage[] {
  const seen = new Set<string>();
  const out: AddedPackage[] = [];
  for (const file of files) {
    if (file.status === "removed" || file.binary) continue;
    const parser = PARSERS.find((p) => p.test(basename(file.path)));
    if (!parser) continue;
    parser.parse(rightLines(file), (name, version, line) => {
      const key = `${parser.ecosystem}\u0000${name}\u0000${version}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push({ ecosystem: parser.ecosystem, name, version, path: file.path, line });
    });
  }
  return out;
}
