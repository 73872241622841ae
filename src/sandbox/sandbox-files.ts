/**
 * Small static files bound read-only into every sandbox: a passwd/group naming the sandbox user
 * (tools such as ssh and npm look themselves up) and the global git config. They are identical
 * for every job, so they are written once per process into a private directory.
 */
import { accessSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SANDBOX_HOME, SANDBOX_USER } from "./sandbox-env.js";

export const SANDBOX_UID = 1000;
export const SANDBOX_GID = 1000;

export interface SandboxFiles {
  /** A private copy of the parts of /etc programs need, bound read-only as the sandbox's /etc. */
  etc: string;
  gitconfig: string;
  /** An empty directory, bound read-only over protected paths that do not exist yet. */
  empty: string;
}

/** Not /etc as a whole (shadow, the host's service configs): only what programs need to run. */
const ETC_ENTRIES = [
  "ld.so.cache",
  "ld.so.conf",
  "ld.so.conf.d",
  "alternatives",
  "ssl",
  "ca-certificates",
  "ca-certificates.conf",
  "pki",
  "hosts",
  "nsswitch.conf",
  "localtime",
  "timezone",
  "mime.types",
  "protocols",
  "services",
  "os-release",
  "debian_version",
  "inputrc",
  "terminfo",
  "magic",
  "gai.conf",
  "host.conf",
];

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
  // One bind of a prepared copy instead of a bind per entry: each mount costs bwrap start-up time.
  const etc = path.join(dir, "etc");
  mkdirSync(path.join(etc, "issue-agent"), { recursive: true, mode: 0o755 });
  for (const entry of ETC_ENTRIES) {
    const from = path.join("/etc", entry);
    if (!existsSync(from)) continue;
    cpSync(from, path.join(etc, entry), { recursive: true, verbatimSymlinks: true, filter: (src) => isReadable(src) && !src.endsWith("/private") });
  }
  const write = (name: string, content: string) => {
    const file = path.join(etc, name);
    writeFileSync(file, content, { mode: 0o644 });
    return file;
  };
  write(
    "passwd",
    `root:x:0:0:root:/nonexistent:/usr/sbin/nologin\n${SANDBOX_USER}:x:${SANDBOX_UID}:${SANDBOX_GID}:sandbox:${SANDBOX_HOME}:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
  );
  write("group", `root:x:0:\n${SANDBOX_USER}:x:${SANDBOX_GID}:\nnogroup:x:65534:\n`);
  const empty = path.join(dir, "empty");
  mkdirSync(empty, { mode: 0o555 });
  files = { etc, gitconfig: write("issue-agent/gitconfig", GITCONFIG), empty };
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return files;
}

function isReadable(p: string): boolean {
  try {
    accessSync(p, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
