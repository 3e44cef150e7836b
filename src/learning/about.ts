import { z } from 'zod';
import type { ModelProvider } from '../models/provider.js';
import { messageText } from '../models/types.js';
import { parseJsonReply } from '../models/json-reply.js';

/**
 * Is a learning about the user themself ("I prefer email", "my team is in Berlin") or about the
 * world ("the VPN needs MFA")? User facts go to the user's own memory and are never shared with
 * the tenant; world facts go through the learning policy. One strict-JSON model call; the offline
 * model answers by rule (models/offline/long-term.ts).
 */
export const ABOUT_SYSTEM_PROMPT = `Classify a statement a user made in a conversation.
- "user": it is about the user themself — their preferences, contact method, plan or account, team, location, history or circumstances ("I prefer email", "my team is in Berlin", "I'm on the premium plan").
- "world": it is about the world, the organisation, a product or a process, true for everyone ("the VPN requires MFA", "refunds take 5 days").
Answer "about the user" only when the statement describes the speaker; otherwise it is about the world.
Reply with only a JSON object and nothing else: {"about": "user" | "world"}`;

export type About = 'user' | 'world';

const replySchema = z.object({ about: z.enum(['user', 'world']) });

export function parseAbout(reply: string): About | null {
  return parseJsonReply(reply, replySchema)?.about ?? null;
}

/**
 * Ask the model; one retry on an invalid reply, then 'world' — the governed path, where the
 * learning policy still decides who may see it (an unclassified fact is never silently private).
 */
export async function classifyAbout(provider: ModelProvider, fact: string, signal?: AbortSignal): Promise<About> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const res = await provider.converse(
      { system: [{ text: ABOUT_SYSTEM_PROMPT }], messages: [{ role: 'user', content: [{ text: `Statement: ${fact}` }] }], inferenceConfig: { maxTokens: 30, temperature: 0 } },
      signal ? { signal } : undefined,
    );
    const about = parseAbout(messageText(res.output.message));
    if (about) return about;
  }
  return 'world';
}
