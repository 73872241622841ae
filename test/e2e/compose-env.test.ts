/**
 * The compose services' own environment, exercised without a Docker engine: `app` (src/main.ts) and
 * `worker` (src/worker.ts) are started with exactly the `environment:` compose.yaml gives them, on
 * top of a `.env` like the one `env_file` reads (only the Redis host, the data directory and the
 * ports are pointed at this machine), and then each service's own health-check command from
 * compose.yaml is run and must pass. What this cannot show (the security options taking effect in
 * a container) is stated in the README.
 */
import { waitFor } from "../helpers/wait-for.js";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { freePort } from "../helpers/free-port.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX = import.meta.resolve("tsx");
const compose = YAML.parse(readFileSync(path.join(ROOT, "compose.yaml"), "utf8"), { merge: true }) as {
  services: Record<string, { environment: Record<string, string>; healthcheck: { test: string[] }; command: string[] }>;
};
const workDir = mkdtempSync(path.join(tmpdir(), "compose-env-"));
const children: ChildProcess[] = [];
const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(workDir, { recursive: true, force: true });
});

/** Run a compose health check (`CMD` form) the way Docker would, with the given port swapped in. */
function healthCheck(test: string[], from: string, to: string): number | null {
  expect(test[0]).toBe("CMD");
  const [command, ...args] = test.slice(1).map((a) => a.replace(from, to));
  return spawnSync(command === "node" ? process.execPath : String(command), args, { timeout: 10_000 }).status;
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(check, { what, timeoutMs, intervalMs: 300 });
}

describe.runIf(hasRedisServer)("compose.yaml's services, started with their own environment", () => {
  it("app and worker come up healthy by their own health-check commands", async () => {
    const redisPort = await freePort();
    const redis = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    children.push(redis);
    const deadModel = await freePort();
    const keyPath = path.join(workDir, "app.pem");
    writeFileSync(keyPath, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }));
    // What `env_file: .env` holds: .env.example filled in (its empty HOST= and ./.data are overridden by `environment:`).
    const dotenv = {
      ...Object.fromEntries(
        readFileSync(path.join(ROOT, ".env.example"), "utf8")
          .split("\n")
          .filter((l) => /^[A-Z_]+=/.test(l))
          .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
      ),
      APP_ID: "123",
      PRIVATE_KEY_PATH: keyPath,
      WEBHOOK_SECRET: "compose-secret",
      APP_SLUG: "issue-agent-compose",
      OPENAI_BASE_URL: `http://127.0.0.1:${deadModel}/v1`,
    };
    const appPort = await freePort();
    const workerPort = await freePort();
    const local = (service: string, port: number, portKey: string) => ({
      ...dotenv,
      ...compose.services[service]?.environment,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      AGENT_DATA_DIR: path.join(workDir, service),
      [portKey]: String(port),
      AGENT_SHUTDOWN_GRACE_SECONDS: "1",
    });
    const start = (service: string, env: Record<string, string>) => {
      const entry = compose.services[service]?.command[1]?.replace(/^lib\/(.*)\.js$/, "src/$1.ts") ?? "";
      const child = spawn(process.execPath, ["--import", TSX, path.join(ROOT, entry)], {
        cwd: workDir,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: workDir, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      let output = "";
      child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
      return { child, output: () => output };
    };
    const appEnv = local("app", appPort, "PORT");
    expect(appEnv).toMatchObject({ HOST: "0.0.0.0", NODE_ENV: "production" });
    const app = start("app", appEnv);
    const worker = start("worker", local("worker", workerPort, "AGENT_WORKER_METRICS_PORT"));

    const appCheck = compose.services.app?.healthcheck.test ?? [];
    const workerCheck = compose.services.worker?.healthcheck.test ?? [];
    await until(() => healthCheck(appCheck, "127.0.0.1:3000", `127.0.0.1:${appPort}`) === 0, `the app's health check\n${app.output()}`);
    await until(() => healthCheck(workerCheck, "127.0.0.1:9464", `127.0.0.1:${workerPort}`) === 0, `the worker's health check\n${worker.output()}`);
    // The worker ran the start-up checks: the sandbox passed here, and the model endpoint problem was named.
    await until(() => /"msg":"worker started"/.test(worker.output()), "the worker's log");
    expect(worker.output()).not.toMatch(/the sandbox cannot run commands/);
    expect(worker.output()).toContain(`start-up check failed: the model endpoint 127.0.0.1:${deadModel} cannot be reached (ECONNREFUSED)`);

    // And the health checks fail when the queue is gone: Docker would mark both unhealthy.
    redis.kill("SIGKILL");
    await until(() => healthCheck(appCheck, "127.0.0.1:3000", `127.0.0.1:${appPort}`) === 1, "the app's health check to fail");
    await until(() => healthCheck(workerCheck, "127.0.0.1:9464", `127.0.0.1:${workerPort}`) === 1, "the worker's health check to fail");
    for (const { child } of [app, worker]) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  }, 90_000);
});
