import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import type { AnyTool, ToolContext, ToolDefinition } from './tool.js';
import { defineTool } from './tool.js';

/** A JSON Schema object, as tools described outside this code base (MCP servers) carry it. */
export type JsonSchema = Record<string, unknown>;
export type JsonInput = Record<string, unknown>;

/**
 * Two validators because JSON Schema has two live dialects in the wild: MCP servers built with
 * zod-to-json-schema say draft-07, the MCP spec (2025-11) defaults to 2020-12. Formats are not
 * checked here (the server checks its own input; an unknown format must not make a tool unusable).
 */
const options = { strict: false, allErrors: true, validateFormats: false } as const;
const draft07 = new Ajv(options);
const draft2020 = new Ajv2020(options);

function compile(schema: JsonSchema): ValidateFunction | null {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  const ajv = /draft-0[4-7]/.test(dialect) ? draft07 : draft2020;
  try {
    return ajv.compile(schema);
  } catch {
    // A schema ajv cannot compile (bad $ref, unknown dialect): let the server be the judge.
    return null;
  }
}

/** ajv's error → a zod-style issue path ('a.0.b'; a missing property names itself). */
function issuePath(e: ErrorObject): PropertyKey[] {
  const path: PropertyKey[] = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = e.params as { missingProperty?: string; additionalProperty?: string };
  if (params.missingProperty) path.push(params.missingProperty);
  if (params.additionalProperty) path.push(params.additionalProperty);
  return path;
}

function issueMessage(e: ErrorObject): string {
  const params = e.params as { additionalProperty?: string; allowedValues?: unknown[] };
  if (params.additionalProperty) return 'unknown property';
  if (params.allowedValues) return `${e.message}: ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return e.message ?? 'invalid';
}

/**
 * A zod schema that validates with ajv against a JSON Schema. It lets a JSON-Schema tool go
 * through every path a zod tool does (the executor's TOOL_INPUT_INVALID with issues, approval
 * predicates over validated input) without those paths knowing the difference.
 */
export function jsonSchemaValidator(schema: JsonSchema): z.ZodType<JsonInput> {
  const validate = compile(schema);
  return z.custom<JsonInput>().superRefine((value, ctx) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: 'expected an object', path: [] });
      return;
    }
    if (!validate || validate(value)) return;
    for (const e of validate.errors ?? []) ctx.addIssue({ code: 'custom', message: issueMessage(e), path: issuePath(e) });
  });
}

export interface JsonSchemaToolDefinition extends Omit<ToolDefinition, 'input' | 'inputSchema' | 'handler' | 'requiresApproval'> {
  inputSchema: { json: JsonSchema };
  handler: (input: JsonInput, ctx: ToolContext) => unknown;
  requiresApproval?: boolean | ((input: JsonInput) => boolean);
}

/** A tool described by a JSON Schema instead of zod: the model sees the schema as given. */
export function defineJsonSchemaTool(def: JsonSchemaToolDefinition): AnyTool {
  const json = def.inputSchema.json;
  if (json.type !== undefined && json.type !== 'object') {
    throw new Error(`tool "${def.name}": the input schema must describe an object (type: "object")`);
  }
  // Converse and OpenAI want an object schema with properties, even for a tool without arguments.
  const shown: JsonSchema = { type: 'object', properties: {}, ...json };
  return defineTool({ ...def, input: jsonSchemaValidator(json), inputSchema: { json: shown } }) as unknown as AnyTool;
}
