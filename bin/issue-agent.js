#!/usr/bin/env node
// Launcher for the `issue-agent` CLI: the compiled lib/cli.js after `npm run build`, otherwise the
// TypeScript source through tsx (a fresh checkout with dev dependencies). All logic is in src/cli.ts.
/* global process, AbortController, URL -- a Node script; the shared eslint config declares no globals */
import { existsSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";

// ISSUE_AGENT_FROM_SOURCE=1 runs src/ even when a (possibly stale) lib/ exists: for development and tests.
const built = new URL("../lib/cli.js", import.meta.url);
let cli;
if (existsSync(fileURLToPath(built)) && process.env.ISSUE_AGENT_FROM_SOURCE !== "1") {
  cli = await import(built.href);
} else {
  const { tsImport } = await import("tsx/esm/api");
  cli = await tsImport("../src/cli.ts", import.meta.url);
}

// First Ctrl-C: stop the run cleanly (the agent winds down, changes stay); second: exit now.
const controller = new AbortController();
process.on("SIGINT", () => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write("\nissue-agent: stopping (Ctrl-C again to quit at once)\n");
  controller.abort();
});

process.exitCode = await cli.main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
  // Only a person at a terminal can grant what a repository asks for (e.g. network for setup).
  ...(process.stdin.isTTY && process.stderr.isTTY ? { confirm } : {}),
});

async function confirm(question) {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
