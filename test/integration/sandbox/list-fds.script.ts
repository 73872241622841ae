// Helper for the fd test: runs `ls /proc/self/fd` in the sandbox from a process that inherited
// fds 3-5 without close-on-exec, and prints both listings as JSON.
import { readdirSync } from "node:fs";
import { runCommand } from "../../../src/sandbox/index.js";

const workspace = process.argv[2] ?? "/nonexistent";
const inheritedInParent = readdirSync("/proc/self/fd");
const result = await runCommand({ mode: "read-only", workspaceDir: workspace, network: "off" }, { argv: ["ls", "/proc/self/fd"] });
process.stdout.write(JSON.stringify({ fds: result.stdout.split("\n").filter(Boolean), inheritedInParent }));
