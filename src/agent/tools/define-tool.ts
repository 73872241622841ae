/**
 * Built-in tools are declared with a zod schema: the JSON Schema the model sees is generated from
 * it, and the arguments the model sends are parsed with it. A schema failure goes back to the
 * model as a tool error that names each bad field.
 */
import { z } from "zod";
import type { AgentTool, ToolResult } from "../types.js";

export interface ToolContext {
  workspaceDir: string;
  signal?: AbortSignal;
}

export function defineTool<S extends z.ZodType>(spec: {
  name: string;
  description: string;
  schema: S;
  mutating: boolean;
  run(args: z.output<S>, ctx: ToolContext): Promise<ToolResult>;
}): AgentTool {
  const { $schema: _drop, ...parameters } = z.toJSONSchema(spec.schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return {
    name: spec.name,
    description: spec.description,
    parameters,
    mutating: spec.mutating,
    async handle(args, ctx) {
      const parsed = spec.schema.safeParse(args);
      if (!parsed.success) return { ok: false, output: `Invalid arguments for ${spec.name}:\n${formatIssues(parsed.error)}` };
      return spec.run(parsed.data, ctx);
    },
  };
}

export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `- ${i.path.length ? i.path.join(".") : "(arguments)"}: ${i.message}`).join("\n");
}
