import { createHash } from 'node:crypto';

const MAX = 64;

/**
 * `server__tool`, fitted to ^[a-zA-Z][a-zA-Z0-9_-]{0,63}$ (Bedrock's and OpenAI's tool-name rule):
 * other characters become '_', and a name that had to change or be cut gets a short hash of the
 * original so two different tools never collapse into one name.
 */
export function namespacedToolName(server: string, tool: string): string {
  const raw = `${server}__${tool}`;
  let name = raw.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (!/^[a-zA-Z]/.test(name)) name = `t${name}`;
  if (name === raw && name.length <= MAX) return name;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 6);
  return `${name.slice(0, MAX - hash.length - 1)}_${hash}`;
}
