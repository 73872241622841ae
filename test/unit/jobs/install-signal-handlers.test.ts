import { afterEach, describe, expect, it } from "vitest";
import { installSignalHandlers } from "../../../src/jobs/install-signal-handlers.js";
import { deferred, silentLog, waitFor } from "./queue-test-kit.js";

const uninstall: Array<() => void> = [];
afterEach(() => uninstall.splice(0).forEach((u) => u()));

describe("installSignalHandlers", () => {
  it("runs the graceful shutdown once, exits 0 after it, and exits 1 at once on a second signal", async () => {
    const exits: number[] = [];
    const release = deferred();
    let shutdowns = 0;
    uninstall.push(
      installSignalHandlers({
        log: silentLog,
        signals: ["SIGUSR2"],
        shutdown: async () => {
          shutdowns++;
          await release.promise;
        },
        exit: (code) => void exits.push(code),
      }),
    );
    process.kill(process.pid, "SIGUSR2");
    await waitFor(() => shutdowns === 1, "the shutdown to start");
    expect(exits).toEqual([]);
    process.kill(process.pid, "SIGUSR2");
    await waitFor(() => exits.length === 1, "the forced exit");
    expect(exits).toEqual([1]);
    release.resolve();
    await waitFor(() => exits.length === 2, "the graceful exit");
    expect(shutdowns).toBe(1);
  });

  it("exits 1 when the shutdown fails", async () => {
    const exits: number[] = [];
    uninstall.push(
      installSignalHandlers({
        log: silentLog,
        signals: ["SIGUSR2"],
        shutdown: async () => Promise.reject(new Error("redis gone")),
        exit: (c) => void exits.push(c),
      }),
    );
    process.kill(process.pid, "SIGUSR2");
    await waitFor(() => exits.length === 1, "the exit");
    expect(exits).toEqual([1]);
  });
});

describe("installSignalHandlers deadline", () => {
  it("exits 1 when the graceful shutdown hangs past the deadline", async () => {
    const exits: number[] = [];
    uninstall.push(
      installSignalHandlers({
        log: silentLog,
        signals: ["SIGUSR2"],
        deadlineMs: 100,
        shutdown: () => new Promise<void>(() => undefined),
        exit: (c) => void exits.push(c),
      }),
    );
    const started = Date.now();
    process.kill(process.pid, "SIGUSR2");
    await waitFor(() => exits.length === 1, "the deadline exit");
    expect(exits).toEqual([1]);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
