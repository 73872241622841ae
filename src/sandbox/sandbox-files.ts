/**
 * Small static files bound read-only into every sandbox: a passwd/group naming the sandbox user
 * (tools such as ssh and npm look themselves up) and the global git config. They are identical
 * for every job, so they are written once per process into a private directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SANDBOX_HOME, SANDBOX_USER } from "./sandbox-env.js";

export const SANDBOX_UID = 1000;
export const SANDBOX_GID = 1000;

export interface SandboxFiles {
  passwd: string;
  group: string;
  gitconfig: string;
}

// Why each key: a bare repository committed inside the workspace must not be picked up
// implicitly (its config could set core.fsmonitor to a command); hooks never run; fsmonitor is
// off; and the ext:: transport (a command) is refused.
const GITCONFIG = `[safe]
\tbareRepository = explicit
[core]
\thooksPath = /dev/null
\tfsmonitor = false
[protocol "ext"]
\tallow = never
[user]
\tname = issue-agent sandbox
\temail = sandbox@localhost
`;

let files: SandboxFiles | undefined;

export function getSandboxFiles(): SandboxFiles {
  if (files) return files;
  const dir = mkdtempSync(path.join(os.tmpdir(), "issue-agent-sandbox-files-"));
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content, { mode: 0o644 });
    return file;
  };
  files = {
    passwd: write("passwd", `root:x:0:0:root:/nonexistent:/usr/sbin/nologin\n${SANDBOX_USER}:x:${SANDBOX_UID}:${SANDBOX_GID}:sandbox:${SANDBOX_HOME}:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`),
    group: write("group", `root:x:0:\n${SANDBOX_USER}:x:${SANDBOX_GID}:\nnogroup:x:65534:\n`),
    gitconfig: write("gitconfig", GITCONFIG),
  };
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return files;
}
