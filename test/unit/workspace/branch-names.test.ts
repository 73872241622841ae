import { describe, expect, it } from "vitest";
import { formatCommitMessage, isValidBranchName, issueBranchName } from "../../../src/workspace/index.js";

describe("branch names", () => {
  it("builds agent/issue-<n>-<slug> from the configured prefix and an ASCII slug", () => {
    expect(issueBranchName("agent/", 42, "Fix the login bug!")).toBe("agent/issue-42-fix-the-login-bug");
    expect(issueBranchName("bot/", 7, "Ünïcödé; rm -rf / $(whoami) `id`")).toBe("bot/issue-7-unicode-rm-rf-whoami-id");
    expect(issueBranchName("agent/", 3, "")).toBe("agent/issue-3");
    expect(issueBranchName("agent/", 5, "x".repeat(200)).length).toBeLessThanOrEqual("agent/issue-5-".length + 40);
  });

  it.each(["-x", "a..b", "a@{1}", "a b", "a;b", "a$(x)", "a.lock", "x/", "a//b", ".hidden", "a/.b", "HEAD", "a\nb", ""])("rejects %j", (name) => {
    expect(isValidBranchName(name)).toBe(false);
  });

  it.each(["main", "agent/issue-1-x", "feature/foo_bar.v2", "release-1.2"])("accepts %j", (name) => {
    expect(isValidBranchName(name)).toBe(true);
  });
});

describe("commit messages", () => {
  it("adds one Co-authored-by trailer per co-author, with newlines and angle brackets removed from identities", () => {
    expect(formatCommitMessage("Title\r\n\r\nBody\n\n", [{ name: "Evil\nSigned-off-by: x", email: "a<b>@c" }])).toBe(
      "Title\n\nBody\n\nCo-authored-by: Evil Signed-off-by: x <a b @c>\n",
    );
    expect(formatCommitMessage("Title", [])).toBe("Title\n");
  });
});
