/**
 * lore-agents: the library entry. A small surface on purpose:
 * - `createAgent()` — an agent with durable turns (`ask`), streaming (`stream`, AG-UI events),
 *   approvals, knowledge and learnings;
 * - `defineTool()` / `defineConfig()` — typed helpers for your tools and your `lore.config.ts`;
 * - the ports, as types, for plugging in your own model, stores, tool sources and approval policies;
 * - the error classes (every error has a stable `code`).
 */
export { createAgent } from './lib/agent.js';
export type { Agent, CreateAgentOptions, TurnOptions } from './lib/agent.js';
export type { RunStream } from './lib/event-stream.js';
export type { JobStatus } from './ingress/scheduler.js';
export { defineConfig } from './lib/definition.js';
export type { AgentDefinition, ApprovalRule, LoreSettings, ScheduleSpec } from './lib/definition.js';
export { CONFIG_FILE_NAMES, findConfigFile, loadConfigFile } from './lib/config-file.js';

export { defineTool } from './tools/tool.js';
export type { AnyTool, ToolContext, ToolDefinition } from './tools/tool.js';
export type { ToolSource } from './tools/tool-source.js';
export type { ToolCall } from './tools/execute.js';
export type { ApprovalPolicy } from './workflow/approvals.js';

export type { ModelProvider } from './models/provider.js';
export type { CallOptions, ConverseRequest, ConverseResponse, ConverseStreamEvent, Message, Usage } from './models/types.js';
export type { Embedder } from './memory/embedder.js';
export type { KnowledgeDoc, KnowledgeStore, SearchHit } from './memory/knowledge-store.js';
export type { SessionStore, Turn } from './memory/session-store.js';
export type { Backend, BackendHealth, BackendOptions, QueueOptions } from './backend.js';
export type { RunStore } from './workflow/run-store.js';
export type { ApprovalStore } from './workflow/approval-store.js';
export type { EffectLedger, EffectRecord } from './workflow/effect-ledger.js';
export type { Feedback, FeedbackRecord, FeedbackStore } from './learning/feedback-store.js';
export type { EvaluationRecord, EvaluationStore } from './learning/evaluation-store.js';
export type { Queue, QueueMessage, DeadLetter } from './jobs/queue.js';

export type { Intent, PendingApproval, RunEvent, RunRecord, RunResult, RunStatus } from './workflow/types.js';
export type { ToolCallLog } from './agent/loop-types.js';
export type { LearningOutcome } from './learning/updater.js';
export type { AguiEvent, LearningEvent, LearningEventValue, LoreRunFinishedEvent } from './ingress/agui.js';
/** The answer of a turn as `POST /chat` returns it (also RUN_FINISHED's `result`). */
export type { ChatResponseT as ChatResponse } from './ingress/schemas.js';
/** One entry of `mcpServers` as you write it (`McpServerConfigInput`), and as Lore reads it (defaults filled in). */
export type { McpServerConfig, McpServerConfigInput, McpToolPolicy } from './mcp/config.js';
export type { LoreConfig } from './config.js';

export { ConfigError } from './config.js';
export { LoreError, isLoreError } from './errors.js';
export type { ErrorCode } from './errors.js';

/** zod, re-exported so tool schemas use the same copy Lore validates with. */
export { z } from 'zod';
