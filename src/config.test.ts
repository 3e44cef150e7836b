import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('config', () => {
  it('has embedded defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ model: 'offline', dataDir: '.lore', server: { host: '127.0.0.1', port: 8787 }, agent: { maxIterations: 5 }, memory: { sessionTtlSeconds: 3600, chunkTokens: 512, chunkOverlap: 0.2 } });
  });

  it('takes the trace exporter from OTEL_TRACES_EXPORTER unless LORE_TRACE_EXPORTER says otherwise', () => {
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).telemetry.exporter).toBe('otlp');
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', LORE_TRACE_EXPORTER: 'console' }).telemetry.exporter).toBe('console');
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'zipkin' }).telemetry.exporter).toBe('none');
  });

  it('reads env vars and coerces numbers', () => {
    const c = loadConfig({ LORE_PORT: '9000', LORE_MODEL: 'bedrock:anthropic.claude-3-5-haiku-20241022-v1:0', LORE_MAX_ITERATIONS: '7' });
    expect(c.server.port).toBe(9000);
    expect(c.agent.maxIterations).toBe(7);
    expect(c.model).toBe('bedrock:anthropic.claude-3-5-haiku-20241022-v1:0');
  });

  it('names the key and the expected form in one line on a bad value', () => {
    expect(() => loadConfig({ LORE_PORT: 'abc' })).toThrow(ConfigError);
    try {
      loadConfig({ LORE_MODEL: 'gpt4' });
    } catch (e) {
      expect((e as Error).message).toMatch(/^LORE_MODEL \(model\): .*offline \| bedrock:<modelId> \| openai:<model>@<baseUrl>.*got "gpt4"$/);
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('says what form a bad number or enum should take', () => {
    expect(() => loadConfig({ LORE_HISTORY_TURNS: 'abc' })).toThrow('LORE_HISTORY_TURNS (memory.historyTurns, last N turns put in context): expected a number, got "abc"');
    expect(() => loadConfig({ LORE_HISTORY_TURNS: '500' })).toThrow(/expected at most 200, got "500"$/);
    expect(() => loadConfig({ LORE_TRACE_EXPORTER: 'x' })).toThrow(/^LORE_TRACE_EXPORTER \(telemetry\.exporter.*\): expected one of "none", "console", "otlp", got "x"$/);
  });

  it('reads a JSON config file, with env taking precedence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lore-cfg-'));
    const file = join(dir, 'lore.json');
    writeFileSync(file, JSON.stringify({ server: { port: 1234 }, memory: { topK: 9 } }));
    const c = loadConfig({ LORE_CONFIG: file, LORE_PORT: '4321' });
    expect(c.server.port).toBe(4321);
    expect(c.memory.topK).toBe(9);
  });

  it('rejects unknown keys in the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lore-cfg-'));
    const file = join(dir, 'lore.json');
    writeFileSync(file, JSON.stringify({ sever: { port: 1 } }));
    expect(() => loadConfig({ LORE_CONFIG: file })).toThrow(/sever|Unrecognized/);
  });
});
