import { z } from "zod";
import type { PlanStep } from "../types.js";
import { defineTool } from "./define-tool.js";

export function createUpdatePlanTool(onPlan: (plan: PlanStep[], explanation?: string) => void) {
  return defineTool({
    name: "update_plan",
    description:
      "Update the task plan. Give the whole plan each time: a short list of steps, each pending, in_progress or completed, with at most one in_progress.",
    schema: z.object({
      explanation: z.string().max(2000).optional(),
      plan: z
        .array(z.object({ step: z.string().min(1).max(500), status: z.enum(["pending", "in_progress", "completed"]) }))
        .max(50)
        .refine((p) => p.filter((s) => s.status === "in_progress").length <= 1, "at most one step can be in_progress"),
    }),
    mutating: false,
    async run(args) {
      onPlan(args.plan, args.explanation);
      return { ok: true, output: "Plan updated" };
    },
  });
}
