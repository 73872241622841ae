/**
 * Microsoft's SARIF validator (`@microsoft/sarif-multitool validate`, from the npm registry: a
 * self-contained .NET binary per platform) with its SARIF, GitHub (GH*) and Azure DevOps
 * (GHAzDO*) rule sets, the checks GitHub code scanning's ingestion is documented against.
 * Several logs go through one run of the binary (it takes a second or two to start).
 */
import { execFile } from "node:child_process";
import { accessSync, chmodSync, constants } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

const require = createRequire(import.meta.url);

export interface MultitoolFinding {
  /** The key the log was given under. */
  log: string;
  ruleId: string;
  level: "error" | "warning" | "note" | "none";
  message: string;
}

/** Path of the platform's Sarif.Multitool binary; made executable if the install step could not. */
export function multitoolBinary(): string {
  const bin = require("@microsoft/sarif-multitool") as string;
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    chmodSync(bin, 0o755);
  }
  return bin;
}

interface ValidatorLog {
  runs: {
    tool: { driver: { rules?: { id: string; defaultConfiguration?: { level?: string }; messageStrings?: Record<string, { text: string }> }[] } };
    artifacts?: { location: { uri: string } }[];
    results?: {
      ruleId: string;
      ruleIndex?: number;
      level?: string;
      message: { text?: string; id?: string; arguments?: string[] };
      locations?: { physicalLocation?: { artifactLocation?: { uri?: string; index?: number } } }[];
    }[];
    invocations?: {
      executionSuccessful?: boolean;
      toolExecutionNotifications?: { message: { text: string } }[];
      toolConfigurationNotifications?: { message: { text: string } }[];
    }[];
  }[];
}

/**
 * Every result the validator reports for `logs` (errors, warnings and notes); empty when clean.
 * `ruleKinds`: "Sarif" (the spec's own rules), "Gh" (GitHub Advanced Security), "Ado" (GitHub
 * Advanced Security for Azure DevOps pipelines).
 */
export async function validateWithMultitool(logs: Record<string, unknown>, ruleKinds = "Sarif;Gh;Ado"): Promise<MultitoolFinding[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "sarif-multitool-"));
  try {
    const byFile = new Map<string, string>();
    for (const [name, log] of Object.entries(logs)) {
      const file = path.join(dir, `${name.replace(/[^A-Za-z0-9_-]+/g, "_")}.sarif`);
      byFile.set(path.basename(file), name);
      await writeFile(file, typeof log === "string" ? log : JSON.stringify(log, null, 2));
    }
    const out = path.join(dir, "validation.out.json");
    const files = [...byFile.keys()].map((f) => path.join(dir, f));
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        multitoolBinary(),
        ["validate", ...files, "--rule-kind", ruleKinds, "--output", out, "--log", "ForceOverwrite", "--quiet"],
        {
          env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1", DOTNET_CLI_TELEMETRY_OPTOUT: "1", DOTNET_BUNDLE_EXTRACT_BASE_DIR: dir },
          maxBuffer: 64 * 1024 * 1024,
          timeout: 120_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
      );
    });
    let report: ValidatorLog;
    try {
      report = JSON.parse(await readFile(out, "utf8")) as ValidatorLog;
    } catch {
      throw new Error(`sarif-multitool validate wrote no report (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
    }
    const validatorRun = report.runs[0]!;
    const failures = (validatorRun.invocations ?? []).flatMap((i) => [...(i.toolExecutionNotifications ?? []), ...(i.toolConfigurationNotifications ?? [])]);
    if (validatorRun.invocations?.[0]?.executionSuccessful === false || failures.length > 0) {
      throw new Error(`sarif-multitool validate did not run cleanly: ${failures.map((n) => n.message.text).join("; ")}`);
    }
    const rules = validatorRun.tool.driver.rules ?? [];
    return (validatorRun.results ?? []).map((r) => {
      const rule = rules[r.ruleIndex ?? -1] ?? rules.find((x) => x.id === r.ruleId);
      const template = r.message.id ? rule?.messageStrings?.[r.message.id]?.text : undefined;
      const message = r.message.text ?? (template ?? "").replace(/\{(\d+)\}/g, (_m, i: string) => r.message.arguments?.[Number(i)] ?? "");
      const loc = r.locations?.[0]?.physicalLocation?.artifactLocation;
      const uri = loc?.uri ?? (loc?.index !== undefined ? validatorRun.artifacts?.[loc.index]?.location.uri : undefined) ?? "";
      const file = decodeURIComponent(uri.split("/").pop() ?? "");
      const level = (r.level ?? rule?.defaultConfiguration?.level ?? "warning") as MultitoolFinding["level"];
      return { log: byFile.get(file) ?? file, ruleId: r.ruleId, level, message };
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The findings GitHub would care about: errors and warnings. */
export function errorsAndWarnings(findings: readonly MultitoolFinding[]): string[] {
  return findings.filter((f) => f.level === "error" || f.level === "warning").map((f) => `${f.log}: ${f.level} ${f.ruleId}: ${f.message}`);
}
