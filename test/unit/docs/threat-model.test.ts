/**
 * docs/threat-model.md is what code comments cite ("THREATS A5", "threat-model C1-C5", "THREATS B7,
 * K"): every ID cited in a .ts file under src/ or test/ must have a heading there (a range such as
 * A1–A4 stands for each of its IDs, a bare letter for the family's section), and every file path the
 * document names must exist, so neither side can drift without a failing test.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DOC = "docs/threat-model.md";
const SELF = path
  .relative(ROOT, fileURLToPath(import.meta.url))
  .split(path.sep)
  .join("/");

/** `A5`, `E10`, or a bare family letter `K`. */
const ID = String.raw`[A-Z]\d*(?!\w)`;
const ITEM = String.raw`(?:[Ii]nvariant\s+\d+|${ID}(?:\s*[-–—]\s*${ID})?)`;
/** `, ` (also wrapped onto a comment's next line) or ` and `. */
const SEPARATOR = String.raw`(?:\s*,(?:\s|\*(?!\/)|\/\/)*|\s+and\s+)`;
/** Between the document's name and the IDs: `.md`, punctuation, and a comment wrapped onto the next line. */
const GAP = String.raw`(?:\.md)?[,:]?(?:[ \t]|\r?\n[ \t]*(?:\*(?!\/)|\/\/)?)+`;
const CITATION = new RegExp(String.raw`\b(?:THREATS|threat-model)${GAP}(${ITEM}(?:${SEPARATOR}${ITEM})*)`, "g");

interface Citation {
  file: string;
  line: number;
  text: string;
  ids: string[];
  /** Ranges that cannot be expanded (`A4-A1`, `A1-B3`). */
  errors: string[];
}

function splitId(id: string): { family: string; n: number | undefined } {
  const family = id.slice(0, 1);
  return { family, n: id.length > 1 ? Number(id.slice(1)) : undefined };
}

/** `C1`..`C5` -> C1, C2, C3, C4, C5; throws for a range across families, without numbers, or backwards. */
function expandRange(from: string, to: string): string[] {
  const a = splitId(from);
  const b = splitId(to);
  if (a.family !== b.family || a.n === undefined || b.n === undefined || a.n > b.n) throw new Error(`not a range: ${from}-${to}`);
  return Array.from({ length: b.n - a.n + 1 }, (_, i) => `${a.family}${(a.n ?? 0) + i}`);
}

/** Every citation in `source`, with its IDs normalised (`invariant 1`, `A5`, `K`). */
function findCitations(source: string, file = "<text>"): Citation[] {
  const out: Citation[] = [];
  for (const m of source.matchAll(CITATION)) {
    const list = m[1] ?? "";
    const ids: string[] = [];
    const errors: string[] = [];
    for (const item of list.split(new RegExp(SEPARATOR))) {
      const invariant = /^[Ii]nvariant\s+(\d+)$/.exec(item);
      const range = /^([A-Z]\d*)\s*[-–—]\s*([A-Z]\d*)$/.exec(item);
      if (invariant) ids.push(`invariant ${invariant[1]}`);
      else if (range) {
        try {
          ids.push(...expandRange(range[1] ?? "", range[2] ?? ""));
        } catch {
          errors.push(item);
        }
      } else ids.push(item);
    }
    const line = source.slice(0, m.index).split("\n").length;
    out.push({ file, line, text: m[0].replace(/\s+/g, " "), ids, errors });
  }
  return out;
}

/** The ID a heading starts with: `### A5 — …` -> A5, `## K — …` -> K, `### Invariant 1 — …` -> invariant 1. */
function headingIds(markdown: string): string[] {
  const ids: string[] = [];
  for (const m of markdown.matchAll(/^#{1,6}[ \t]+(.+)$/gm)) {
    const id = /^(?:(Invariant\s+\d+)|([A-Z]\d*))(?=[ \t]|$|[—–:.-])/.exec(m[1] ?? "");
    if (id) ids.push(id[1] ? id[1].toLowerCase().replace(/\s+/, " ") : (id[2] ?? ""));
  }
  return ids;
}

/** Repository-relative paths the document names (`src/…`, `test/…`, `docs/…`); directories end with `/`. */
function namedPaths(markdown: string): string[] {
  const found = markdown.match(/(?<![\w/.-])(?:src|test|docs|scripts|bin|fixtures|bench)\/[\w./-]*[\w/]/g) ?? [];
  return [...new Set(found)];
}

function tsFiles(dir: string): string[] {
  return (readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" }) as string[])
    .filter((f) => f.endsWith(".ts"))
    .map((f) => `${dir}/${f.split(path.sep).join("/")}`)
    .sort();
}

const doc = readFileSync(path.join(ROOT, DOC), "utf8");
const files = [...tsFiles("src"), ...tsFiles("test")];
const sources = new Map(files.map((f) => [f, readFileSync(path.join(ROOT, f), "utf8")]));
const citations = [...sources].flatMap(([file, text]) => findCitations(text, file));

describe("citation parser", () => {
  it("reads single IDs, lists, ranges with a hyphen or an en dash, bare family letters and invariants", () => {
    const ids = (text: string) => findCitations(text).flatMap((c) => c.ids);
    expect(ids("(THREATS A5).")).toEqual(["A5"]);
    expect(ids("needs (THREATS.md I1, I2, I4):")).toEqual(["I1", "I2", "I4"]);
    expect(ids("config (THREATS C1-C5). Callers")).toEqual(["C1", "C2", "C3", "C4", "C5"]);
    expect(ids("Who may start work (THREATS A1–A4).")).toEqual(["A1", "A2", "A3", "A4"]);
    expect(ids("a model reads (THREATS B7, K):")).toEqual(["B7", "K"]);
    expect(ids("the budget (THREATS E10).")).toEqual(["E10"]);
    expect(ids("/**\n * in between (THREATS\n * invariant 1: every write happens on the host)")).toEqual(["invariant 1"]);
    expect(ids("// see docs/threat-model.md A5 and E10")).toEqual(["A5", "E10"]);
    expect(ids("(threat-model A6, B2)")).toEqual(["A6", "B2"]);
    expect(ids("see docs/threat-model.md for the rest")).toEqual([]);
  });

  it("refuses ranges that run backwards, across families or without numbers", () => {
    expect(expandRange("A10", "A12")).toEqual(["A10", "A11", "A12"]);
    expect(() => expandRange("A4", "A1")).toThrow();
    expect(() => expandRange("A1", "B3")).toThrow();
    expect(() => expandRange("A", "A3")).toThrow();
  });

  it("reads heading IDs and ignores ordinary headings", () => {
    expect(headingIds("# Threat model\n## Design invariants\n### Invariant 1 — No key\n## K — Unicode\n### A5 — Edit after the trigger\n### D8 — x")).toEqual([
      "invariant 1",
      "K",
      "A5",
      "D8",
    ]);
  });
});

describe(DOC, () => {
  const headings = headingIds(doc);

  it("finds the citations the code makes (the scan is not vacuous)", () => {
    expect(files.length).toBeGreaterThan(100);
    const cited = new Set(citations.flatMap((c) => c.ids));
    for (const id of ["A5", "A11", "C3", "E10", "G4", "K"]) expect(cited).toContain(id);
  });

  it("has a heading for every threat ID cited in src/ and test/", () => {
    const known = new Set(headings);
    const missing = citations.flatMap((c) => c.ids.filter((id) => !known.has(id)).map((id) => `${c.file}:${c.line} ${id} (${c.text})`));
    const malformed = citations.flatMap((c) => c.errors.map((e) => `${c.file}:${c.line} ${e}`));
    expect(malformed).toEqual([]);
    expect(missing).toEqual([]);
  });

  it("is the target of every THREATS reference: none is left without a readable ID", () => {
    const dangling: string[] = [];
    for (const [file, text] of sources) {
      if (file === SELF) continue;
      const cited = new Set(findCitations(text, file).map((c) => c.line));
      for (const m of text.matchAll(/\bTHREATS\b/g)) {
        const line = text.slice(0, m.index).split("\n").length;
        if (!cited.has(line)) dangling.push(`${file}:${line}`);
      }
    }
    expect(dangling).toEqual([]);
  });

  it("uses each heading ID once", () => {
    const seen = new Set<string>();
    const duplicates = headings.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
    expect(duplicates).toEqual([]);
  });

  it("covers every family with a section, and the IDs the code cites", () => {
    for (const family of "ABCDEFGHIJKL") expect(headings).toContain(family);
    expect(headings.filter((id) => id.startsWith("invariant")).length).toBeGreaterThan(0);
  });

  it("names only files and directories that exist", () => {
    const paths = namedPaths(doc);
    expect(paths.length).toBeGreaterThan(50);
    expect(paths.filter((p) => !existsSync(path.join(ROOT, p)))).toEqual([]);
  });
});
