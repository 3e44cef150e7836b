import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccountRecovery, UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { FunctionUrlAuthType, InvokeMode, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { loreFunction } from './lambda.js';
import type { DeploySettings } from './settings.js';

/**
 * The HTTP entry: API Gateway HTTP API (JWT authorizer) in front of the same Hono app `lore serve`
 * runs, and a function URL with RESPONSE_STREAM for `POST /chat` token streaming (HTTP APIs buffer
 * the whole response). The function URL has no IAM auth because browsers call it with the same
 * bearer JWT; the app verifies it against the issuer's JWKS (config.auth), as it does behind API Gateway.
 */
export class LoreApi extends Construct {
  readonly api: HttpApi;
  readonly handler: NodejsFunction;
  readonly streamer: NodejsFunction;
  readonly streamUrl: FunctionUrl;
  readonly userPool?: UserPool;
  readonly issuer: string;
  readonly audience: string;

  constructor(scope: Construct, id: string, p: { settings: DeploySettings; environment: Record<string, string> }) {
    super(scope, id);
    const stack = Stack.of(this);
    if (p.settings.auth.mode === 'cognito') {
      this.userPool = new UserPool(this, 'Users', {
        selfSignUpEnabled: false,
        signInAliases: { email: true },
        passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
        accountRecovery: AccountRecovery.EMAIL_ONLY,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const client = new UserPoolClient(this, 'WebClient', { userPool: this.userPool, authFlows: { userSrp: true }, generateSecret: false });
      this.issuer = `https://cognito-idp.${stack.region}.amazonaws.com/${this.userPool.userPoolId}`;
      this.audience = client.userPoolClientId;
    } else {
      this.issuer = p.settings.auth.issuer;
      this.audience = p.settings.auth.audience;
    }
    const authEnv = {
      LORE_AUTH_JWKS_URL: `${this.issuer.replace(/\/$/, '')}/.well-known/jwks.json`,
      LORE_AUTH_ISSUER: this.issuer,
      LORE_AUTH_AUDIENCE: this.audience,
    };
    const common = { entry: 'src/aws/handlers/api.ts', environment: { ...p.environment, ...authEnv }, timeout: Duration.seconds(29), logRetentionDays: p.settings.logRetentionDays };
    this.handler = loreFunction(this, 'ApiHandler', common);
    // Streaming turns may run longer than API Gateway's 29 s integration limit.
    this.streamer = loreFunction(this, 'ChatStream', { ...common, handler: 'streamHandler', timeout: Duration.minutes(5) });
    this.streamUrl = this.streamer.addFunctionUrl({ authType: FunctionUrlAuthType.NONE, invokeMode: InvokeMode.RESPONSE_STREAM });

    const authorizer = new HttpJwtAuthorizer('Jwt', this.issuer, { jwtAudience: [this.audience] });
    this.api = new HttpApi(this, 'Http', { defaultAuthorizer: authorizer, createDefaultStage: true });
    this.api.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration: new HttpLambdaIntegration('App', this.handler) });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: p.settings.logRetentionDays as RetentionDays, removalPolicy: RemovalPolicy.DESTROY });
    const stage = this.api.defaultStage!.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({ requestId: '$context.requestId', ip: '$context.identity.sourceIp', method: '$context.httpMethod', path: '$context.path', status: '$context.status', latencyMs: '$context.responseLatency', error: '$context.error.message' }),
    };
    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'ChatStreamUrl', { value: this.streamUrl.url });
    new CfnOutput(this, 'JwtIssuer', { value: this.issuer });
  }
}
