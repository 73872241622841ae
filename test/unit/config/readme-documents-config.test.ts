import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { envSchema } from "../../../src/config/env.js";
import { renderRepoConfigJsonSchema } from "../../../src/config/repo-config-json-schema.js";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

interface JsonSchemaNode {
  type?: string;
  properties?: Record<string, JsonSchemaNode>;
}

function leafKeys(node: JsonSchemaNode, prefix = ""): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return child.type === "object" && child.properties ? leafKeys(child, path) : [path];
  });
}

describe("README stays true to the code", () => {
  it("documents every environment variable the app reads", () => {
    const missing = Object.keys(envSchema.shape).filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it("documents every .github/agent.yml key", () => {
    const keys = leafKeys(JSON.parse(renderRepoConfigJsonSchema()) as JsonSchemaNode);
    expect(keys.length).toBeGreaterThan(30);
    expect(keys.filter((key) => !readme.includes(`\`${key}\``))).toEqual([]);
  });
});

describe("app.yml", () => {
  it("points only at documents that exist in this repository", () => {
    const appYml = readFileSync(new URL("../../../app.yml", import.meta.url), "utf8");
    const documents = [...appYml.matchAll(/\b([\w./-]+\.md)\b/g)].map((m) => m[1] ?? "");
    expect(documents.length).toBeGreaterThan(0);
    expect(documents.filter((doc) => !existsSync(new URL(`../../../${doc}`, import.meta.url)))).toEqual([]);
  });
});
