import { Duration } from 'aws-cdk-lib';
import { Alarm, CfnAlarm, ComparisonOperator, Dashboard, GraphWidget, MathExpression, Metric, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { EMF_NAMESPACE } from '../../src/aws/emf.js';

/** The alarm thresholds, exported so the template tests check the same numbers. */
export const THRESHOLDS = {
  p95TurnLatencyMs: 30_000,
  dlqDepth: 0,
  qualityScore: 0.4,
  errorRatePercent: 5,
  learningAnomalyBandStdDevs: 2,
} as const;

/**
 * Alarms and a dashboard. Turn latency and errors come from Step Functions' own metrics (one
 * execution = one turn); quality scores and learnings written are EMF metrics the Lambdas log
 * (src/aws/emf.ts); DLQ depth is SQS's.
 */
export class LoreOps extends Construct {
  readonly alarms: Record<string, Alarm | CfnAlarm> = {};

  constructor(scope: Construct, id: string, p: { stateMachine: StateMachine; dlq: Queue; functions: NodejsFunction[] }) {
    super(scope, id);
    const sm = p.stateMachine;
    const latency = sm.metricTime({ statistic: 'p95', period: Duration.minutes(5) });
    this.alarms.latency = new Alarm(this, 'TurnLatencyP95', {
      alarmDescription: 'p95 turn latency (Step Functions execution time) above 30 s',
      metric: latency,
      threshold: THRESHOLDS.p95TurnLatencyMs,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const dlqDepth = p.dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' });
    this.alarms.dlq = new Alarm(this, 'DlqDepth', {
      alarmDescription: 'messages in the dead-letter queue: turns that failed 3 times (lore dlq / redrive)',
      metric: dlqDepth,
      threshold: THRESHOLDS.dlqDepth,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const quality = new Metric({ namespace: EMF_NAMESPACE, metricName: 'QualityScore', dimensionsMap: { Service: 'lore' }, statistic: 'Average', period: Duration.hours(1) });
    this.alarms.quality = new Alarm(this, 'QualityScore', {
      alarmDescription: 'average judged turn quality below 0.4',
      metric: quality,
      threshold: THRESHOLDS.qualityScore,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const errorRate = new MathExpression({
      expression: '100 * failed / MAX([started, 1])',
      usingMetrics: { failed: sm.metricFailed({ statistic: 'Sum' }), started: sm.metricStarted({ statistic: 'Sum' }) },
      period: Duration.minutes(5),
      label: 'failed turns %',
    });
    this.alarms.errors = new Alarm(this, 'TurnErrorRate', {
      alarmDescription: 'more than 5% of turns failed (HandleError → Failed)',
      metric: errorRate,
      threshold: THRESHOLDS.errorRatePercent,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    // Learnings written per hour, against CloudWatch's anomaly band: a burst (a poisoning attempt,
    // a loop) or a silence (learning broken) both alarm.
    const learnings = { namespace: EMF_NAMESPACE, metricName: 'LearningsWritten', dimensions: [{ name: 'Step', value: 'UpdateKnowledge' }] };
    this.alarms.learningRate = new CfnAlarm(this, 'LearningRateAnomaly', {
      alarmDescription: 'learnings written per hour outside the expected band',
      comparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold',
      evaluationPeriods: 2,
      thresholdMetricId: 'band',
      treatMissingData: 'notBreaching',
      metrics: [
        { id: 'm1', returnData: true, metricStat: { metric: learnings, period: 3600, stat: 'Sum' } },
        { id: 'band', returnData: true, expression: `ANOMALY_DETECTION_BAND(m1, ${THRESHOLDS.learningAnomalyBandStdDevs})`, label: 'expected learnings' },
      ],
    });

    const dash = new Dashboard(this, 'Dashboard', { dashboardName: `${sm.node.scopes[0]!.node.id}-lore` });
    const fnErrors: IMetric[] = p.functions.map((f) => f.metricErrors({ period: Duration.minutes(5), label: f.node.id }));
    dash.addWidgets(
      new GraphWidget({ title: 'Turn latency p95 (ms)', left: [latency] }),
      new GraphWidget({ title: 'Turns started / failed', left: [sm.metricStarted(), sm.metricFailed()], right: [errorRate] }),
      new GraphWidget({ title: 'DLQ depth', left: [dlqDepth] }),
    );
    dash.addWidgets(
      new GraphWidget({ title: 'Quality score (avg)', left: [quality] }),
      new GraphWidget({ title: 'Learnings written', left: [new Metric({ namespace: EMF_NAMESPACE, metricName: 'LearningsWritten', dimensionsMap: { Step: 'UpdateKnowledge' }, statistic: 'Sum', period: Duration.hours(1) })] }),
      new GraphWidget({ title: 'Lambda errors', left: fnErrors }),
    );
  }
}
