import { readFileSync } from "node:fs";
import Ajv2020Module from "ajv/dist/2020.js";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { renderRepoConfigJsonSchema } from "../../../src/config/repo-config-json-schema.js";

// ajv ships CommonJS: under NodeNext the class is the module's default export.
const Ajv2020 = Ajv2020Module.default;
const committed = readFileSync(new URL("../../../agent.schema.json", import.meta.url), "utf8");

describe("agent.schema.json", () => {
  it("is in step with the schema the app parses with (run `npm run schema`)", () => {
    expect(committed).toBe(renderRepoConfigJsonSchema());
  });

  it("accepts the README's example and rejects a typo an editor should flag", () => {
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(committed) as object);
    const example = parse('trigger:\n  label: ai-fix\nsandbox:\n  setupCommands: ["npm ci"]\n  network: [registry.npmjs.org]\nlimits:\n  maxUsd: 2\n');
    expect(validate(example)).toBe(true);
    expect(validate(parse("limits:\n  maxUSD: 2\n"))).toBe(false);
  });

  it("has an $id, a description on every key, and accepts the documented `_extends`", () => {
    const schema = JSON.parse(committed) as {
      $id?: string;
      properties: Record<string, { description?: string; type?: string; properties?: Record<string, { description?: string }> }>;
    };
    expect(schema.$id).toMatch(/^[a-z]+:/);
    const missing: string[] = [];
    for (const [key, node] of Object.entries(schema.properties)) {
      if (!node.description) missing.push(key);
      for (const [child, leaf] of Object.entries(node.properties ?? {})) if (!leaf.description) missing.push(`${key}.${child}`);
    }
    expect(missing).toEqual([]);
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(parse("_extends: .github\ntrigger:\n  label: ai-fix\n"))).toBe(true);
    expect(validate(parse("_extends: 3\n"))).toBe(false);
  });
});
