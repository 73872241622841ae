/** Shared bits for the workspace integration tests: a log collector and a recursive file scan. */
import { readdirSync, readFileSync, lstatSync, readlinkSync } from "node:fs";
import path from "node:path";
import type { WorkspaceLog } from "../../../src/workspace/index.js";

export const TOKEN = "ghs_WorkspaceTestToken0123456789abcdefABCD";
export const BOT = { name: "issue-agent[bot]", email: "123+issue-agent[bot]@users.noreply.github.com" };
export const REQUESTER = { name: "octocat", email: "583231+octocat@users.noreply.github.com" };

export function collectingLog(): WorkspaceLog & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (obj: object, msg: string) => {
    lines.push(JSON.stringify({ level, ...obj, msg }));
  };
  return { lines, debug: push("debug"), info: push("info"), warn: push("warn") };
}

/** Every file (and symlink target) under `root` whose content contains `needle`. */
export function filesContaining(root: string, needle: string): string[] {
  const hits: string[] = [];
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const stat = lstatSync(full);
      if (stat.isDirectory()) visit(full);
      else if (stat.isSymbolicLink()) {
        if (readlinkSync(full).includes(needle)) hits.push(full);
      } else if (readFileSync(full).includes(needle)) hits.push(full);
    }
  };
  visit(root);
  return hits;
}

/** The forms a token could be stored in: raw and inside a basic-auth header. */
export function tokenForms(token: string): string[] {
  return [token, Buffer.from(`x-access-token:${token}`).toString("base64")];
}
