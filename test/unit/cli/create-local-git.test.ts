import { describe, expect, it } from "vitest";
import { parsePorcelainZ } from "../../../src/cli/create-local-git.js";

describe("parsePorcelainZ", () => {
  it("lists modified, added, deleted, untracked and renamed paths once, sorted", () => {
    const out = [" M src/a.js", "A  new file.txt", " D gone.js", "?? tmp/x.js", "R  moved.js", "old.js", ""].join("\0");
    expect(parsePorcelainZ(out)).toEqual(["gone.js", "moved.js", "new file.txt", "src/a.js", "tmp/x.js"]);
  });

  it("is empty for a clean tree", () => {
    expect(parsePorcelainZ("")).toEqual([]);
  });
});
