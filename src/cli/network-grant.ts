/**
 * Network on the CLI comes from the person at the keyboard, never from the repository: a
 * checkout's `.github/agent.yml` may be a stranger's, and with injected instructions the model
 * would send the user's files to any host it lists. So agent.yml can only ask; `--network` (or a
 * yes at an interactive prompt that lists the hosts) grants. As in the app, only the setup
 * commands get the grant: the agent's own commands always run offline.
 */
import type { CliIo } from "./cli-io.js";
import { printable } from "./describe-event.js";

export interface NetworkGrant {
  /** What setup commands may reach. */
  setup: "off" | string[];
  /** What the agent's commands may reach: always off. */
  agent: "off";
  notes: string[];
}

export async function resolveNetworkGrant(input: {
  /** sandbox.network from agent.yml. */
  requested: "off" | readonly string[];
  /** --network, when given. */
  flag: readonly string[] | undefined;
  setupCommands: readonly string[];
  io: Pick<CliIo, "confirm">;
  /** --json runs are for scripts: never prompt. */
  interactive: boolean;
}): Promise<NetworkGrant> {
  const asked = input.requested === "off" ? [] : [...input.requested];
  const notes: string[] = [];
  if (input.flag !== undefined) {
    const notGranted = asked.filter((h) => !input.flag!.includes(h));
    if (notGranted.length > 0) notes.push(`agent.yml asks for network access to ${notGranted.join(", ")}; not granted (not in --network)`);
    return { setup: input.flag.length > 0 ? [...input.flag] : "off", agent: "off", notes };
  }
  if (asked.length === 0) return { setup: "off", agent: "off", notes };
  if (input.setupCommands.length === 0) {
    notes.push(`agent.yml asks for network access to ${asked.join(", ")}, but has no setup commands to use it; the agent's own commands always run offline`);
    return { setup: "off", agent: "off", notes };
  }
  if (input.interactive && input.io.confirm) {
    const question = [
      "This repository's .github/agent.yml asks for network access for its setup commands:",
      ...input.setupCommands.map((c) => `  $ ${printable(c.split("\n")[0]!.slice(0, 200))}${c.includes("\n") ? " ..." : ""}`),
      `to these hosts: ${asked.join(", ")}`,
      "The agent's own commands stay offline either way. Allow? [y/N] ",
    ].join("\n");
    if (await input.io.confirm(question)) return { setup: asked, agent: "off", notes };
  }
  notes.push(
    `agent.yml asks for network access to ${asked.join(", ")} for its setup commands; not granted, so they run offline. Pass --network ${asked.join(",")} to allow it`,
  );
  return { setup: "off", agent: "off", notes };
}
