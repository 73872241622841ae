import { describe, expect, it } from "vitest";
import { decodeLastMarker, decodeMarkers, encodeMarker, stripMarkers } from "../../../src/shared/markers.js";

const finding = { v: 1, fp: "abc", severity: "high", cwe: "CWE-89", path: "a.ts", line: 3, title: "SQL injection", source: "model", sha: "f".repeat(40) };

describe("the marker codec", () => {
  it("round-trips every kind through its schema", () => {
    const body = `text\n${encodeMarker("finding", finding)}\n${encodeMarker("status", { v: 1, job: "j1" })}`;
    expect(decodeLastMarker(body, "finding")).toEqual(finding);
    expect(decodeLastMarker(body, "status")).toEqual({ v: 1, job: "j1" });
    expect(decodeLastMarker(body, "pr")).toBeNull();
  });

  it("ignores a marker whose payload does not match its kind's schema (a forged or foreign marker)", () => {
    const forged = encodeMarker("finding", { ...finding, line: "3; drop" });
    const wrongSeverity = encodeMarker("finding", { ...finding, severity: "catastrophic" });
    const notJson = "<!-- issue-agent:finding bm90IGpzb24 -->";
    expect(decodeMarkers(`${forged}${wrongSeverity}${notJson}`, "finding")).toEqual([]);
    expect(decodeLastMarker(encodeMarker("security-summary", { v: 1, pr: 5, sha: "x", open: "all", resolved: [] }), "security-summary")).toBeNull();
  });

  it("takes the last valid marker of a kind", () => {
    const a = encodeMarker("pr", { summary: "first" });
    const b = encodeMarker("pr", { summary: "second" });
    expect(decodeLastMarker(`${a} and ${b}`, "pr")).toEqual({ summary: "second" });
  });

  it("strips one kind or all of the app's markers, and leaves look-alikes of others alone", () => {
    const body = `keep ${encodeMarker("pr", { s: 1 })} ${encodeMarker("status", { s: 2 })} <!-- other-app:pr x -->`;
    expect(stripMarkers(body, "pr")).toBe(`keep  ${encodeMarker("status", { s: 2 })} <!-- other-app:pr x -->`);
    expect(stripMarkers(body)).toBe("keep   <!-- other-app:pr x -->");
  });

  it("finds nothing in a body of unterminated marker openings", () => {
    const hostile = "<!-- issue-agent:pr ".repeat(20_000) + "A".repeat(100_000);
    expect(decodeMarkers(hostile, "pr")).toEqual([]);
  });
});
