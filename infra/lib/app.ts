import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LoreStack } from './lore-stack.js';
import { settingsFrom } from './settings.js';

export interface LoreAppOptions {
  /** CDK context (what `-c key=value` and cdk.json give the CLI). */
  context?: Record<string, unknown>;
  outdir?: string;
  /** Bundle the Lambdas with esbuild (default true; template-only tests turn it off). */
  bundle?: boolean;
}

/** The CDK app: one stack, checked by cdk-nag's AWS Solutions pack through the Validations API. */
export function createLoreApp(o: LoreAppOptions = {}): { app: App; stack: LoreStack } {
  const app = new App({
    ...(o.outdir ? { outdir: o.outdir } : {}),
    context: { ...(o.context ?? {}), ...(o.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}) },
  });
  const settings = settingsFrom(app.node);
  const name = (app.node.tryGetContext('lore:stackName') as string | undefined) ?? 'Lore';
  // The account stays unresolved unless the CLI knows one: synth needs no credentials.
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const stack = new LoreStack(app, name, settings, { env: { region: settings.region, ...(account ? { account } : {}) } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
