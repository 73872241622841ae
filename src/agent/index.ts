/** The agent: a model loop with tools on a directory. No Probot, Octokit or git in here. */
export { runAgent, type RunAgentOptions } from "./run-agent.js";
export { createModelClient, DEFAULT_BASE_URL } from "./model/create-model-client.js";
export type { HistoryItem, ModelClient, ModelRequest, ModelTurn, ToolCallRequest, ToolSpec } from "./model/types.js";
export { ModelError, type ModelErrorCode } from "./model/model-error.js";
export { computeCostUsd, contextWindowOf, type ModelPrice } from "./model/prices.js";
export { parsePatch, PatchParseError, type PatchChunk, type PatchOperation } from "./patch/parse-patch.js";
export { applyPatch, type PatchResult } from "./patch/apply-patch.js";
export { applyChunks, HunkError } from "./patch/apply-chunks.js";
export { createBuiltinTools, BUILTIN_TOOL_NAMES, READ_ONLY_TOOL_NAMES, type BuiltinToolDeps } from "./tools/builtin-tools.js";
export { createToolRegistry, dispatchToolCall, type ToolRegistry } from "./tools/tool-registry.js";
export { defineTool, type ToolContext } from "./tools/define-tool.js";
export { resolveInWorkspace, PathEscapeError } from "./tools/path-guard.js";
export { truncateOutput, DEFAULT_OUTPUT_CAP, type OutputCap } from "./tools/truncate-output.js";
export { parseFinalAnswer } from "./final-answer.js";
export { loadPrompt, promptPath, type PromptName } from "./load-prompt.js";
export type * from "./types.js";
export { checkModelEndpoint, type ModelEndpointCheck, type ModelEndpointProblem } from "./model/check-model-endpoint.js";
