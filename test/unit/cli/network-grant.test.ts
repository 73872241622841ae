import { describe, expect, it } from "vitest";
import { resolveNetworkGrant } from "../../../src/cli/network-grant.js";

const setup = ["npm ci"];

describe("resolveNetworkGrant", () => {
  it("never grants what agent.yml asks for on its own, and says how to allow it", async () => {
    const grant = await resolveNetworkGrant({ requested: ["registry.npmjs.org"], flag: undefined, setupCommands: setup, io: {}, interactive: true });
    expect(grant).toMatchObject({ setup: "off", agent: "off" });
    expect(grant.notes.join("\n")).toContain("Pass --network registry.npmjs.org to allow it");
  });

  it("--network grants exactly its hosts to setup commands only, whatever agent.yml asks", async () => {
    const grant = await resolveNetworkGrant({
      requested: ["registry.npmjs.org", "evil.example"],
      flag: ["registry.npmjs.org"],
      setupCommands: setup,
      io: {},
      interactive: true,
    });
    expect(grant).toMatchObject({ setup: ["registry.npmjs.org"], agent: "off" });
    expect(grant.notes.join("\n")).toContain("evil.example; not granted");
    expect(await resolveNetworkGrant({ requested: ["a.example"], flag: [], setupCommands: setup, io: {}, interactive: true })).toMatchObject({ setup: "off" });
  });

  it("asks the person on a terminal, listing the commands and hosts; yes grants, no does not", async () => {
    const questions: string[] = [];
    const yes = await resolveNetworkGrant({
      requested: ["registry.npmjs.org"],
      flag: undefined,
      setupCommands: setup,
      io: { confirm: async (q) => (questions.push(q), true) },
      interactive: true,
    });
    expect(yes).toMatchObject({ setup: ["registry.npmjs.org"], agent: "off" });
    expect(questions[0]).toContain("$ npm ci");
    expect(questions[0]).toContain("registry.npmjs.org");
    const no = await resolveNetworkGrant({
      requested: ["registry.npmjs.org"],
      flag: undefined,
      setupCommands: setup,
      io: { confirm: async () => false },
      interactive: true,
    });
    expect(no.setup).toBe("off");
  });

  it("shows the commands without terminal escapes", async () => {
    let question = "";
    await resolveNetworkGrant({
      requested: ["a.example"],
      flag: undefined,
      setupCommands: ["echo \u001b]0;pwned\u0007 hi\nmore"],
      io: { confirm: async (q) => ((question = q), false) },
      interactive: true,
    });
    expect(question).toContain("$ echo ?]0;pwned? hi ...");
    expect(question).not.toContain("\u001b");
  });

  it("does not prompt for --json runs or when there is no setup command to use the network", async () => {
    let asked = 0;
    const confirm = async () => (asked++, true);
    expect((await resolveNetworkGrant({ requested: ["a.example"], flag: undefined, setupCommands: setup, io: { confirm }, interactive: false })).setup).toBe(
      "off",
    );
    expect((await resolveNetworkGrant({ requested: ["a.example"], flag: undefined, setupCommands: [], io: { confirm }, interactive: true })).setup).toBe("off");
    expect(asked).toBe(0);
  });
});
