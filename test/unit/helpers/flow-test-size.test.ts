/**
 * A guard for the flow tests: no `it` of more than 60 lines. A long `it` there is a run asserting
 * many behaviours at once; arrange the run once (beforeAll) and give each behaviour its own `it`.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { itBlocks } from "../../helpers/it-block-sizes.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAX_LINES = 60;
const FLOWS = path.join(ROOT, "test/integration/flows");
const FILES = [
  ...readdirSync(FLOWS)
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => path.join(FLOWS, f)),
  path.join(ROOT, "test/e2e/flows.test.ts"),
];

describe("flow test size", () => {
  it(`keeps every it in the flow tests within ${MAX_LINES} lines`, () => {
    const blocks = FILES.flatMap((file) => itBlocks(file));
    expect(blocks.length).toBeGreaterThan(20); // the parser found the tests: the guard is not vacuous
    const long = blocks.filter((b) => b.lines > MAX_LINES).map((b) => `${path.relative(ROOT, b.file)}:${b.line} (${b.lines} lines) ${b.name}`);
    expect(long).toEqual([]);
  });

  it("measures it, it.each and test blocks from their first to their last line", () => {
    const source = [
      'describe("d", () => {',
      '  it("one", () => {',
      '    expect(run.outcome).toBe("succeeded");',
      "  });",
      '  it.each([1, 2])("each %s", async (n) => {',
      "    expect(n).toBeGreaterThan(0);",
      "",
      "    expect(n).toBeLessThan(3);",
      "  }, 10_000);",
      '  test("three", () => undefined);',
      '  it("a pending test without a body");',
      "});",
    ].join("\n");
    expect(itBlocks("inline.test.ts", source).map((b) => [b.name, b.line, b.lines])).toEqual([
      ["one", 2, 3],
      ["each %s", 5, 5],
      ["three", 10, 1],
    ]);
  });
});
