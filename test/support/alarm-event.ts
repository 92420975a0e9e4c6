import type { SNSEvent } from "aws-lambda";

/**
 * An SNS event as Lambda receives it from a CloudWatch alarm's action, in the documented shape: the
 * alarm's state change is the JSON string in Sns.Message, with CloudWatch's own timestamp format.
 */
export function alarmSnsEvent(change: {
  alarmName: string;
  newState: "ALARM" | "OK" | "INSUFFICIENT_DATA";
  oldState: "ALARM" | "OK" | "INSUFFICIENT_DATA";
  description?: string;
}): SNSEvent {
  const topicArn = "arn:aws:sns:us-east-1:123456789012:SignalPipeline-AlarmsTopic";
  const message = {
    AlarmName: change.alarmName,
    AlarmDescription: change.description ?? null,
    AWSAccountId: "123456789012",
    AlarmConfigurationUpdatedTimestamp: "2024-03-01T09:00:00.000+0000",
    NewStateValue: change.newState,
    NewStateReason:
      "Threshold Crossed: 1 out of the last 1 datapoints [1.0 (05/03/24 14:00:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).",
    StateChangeTime: "2024-03-05T14:05:12.345+0000",
    Region: "US East (N. Virginia)",
    AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${change.alarmName}`,
    OldStateValue: change.oldState,
    OKActions: [topicArn],
    AlarmActions: [topicArn],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: "ApproximateNumberOfMessagesVisible",
      Namespace: "AWS/SQS",
      StatisticType: "Statistic",
      Statistic: "MAXIMUM",
      Unit: null,
      Dimensions: [{ value: "SignalPipeline-AnalysisDeadLetters", name: "QueueName" }],
      Period: 300,
      EvaluationPeriods: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      Threshold: 1.0,
      TreatMissingData: "notBreaching",
      EvaluateLowSampleCountPercentile: "",
    },
  };
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${topicArn}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`,
        Sns: {
          Type: "Notification",
          MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
          TopicArn: topicArn,
          Subject: `ALARM: "${change.alarmName}" in US East (N. Virginia)`,
          Message: JSON.stringify(message),
          Timestamp: "2024-03-05T14:05:12.400Z",
          SignatureVersion: "1",
          Signature: "EXAMPLE",
          SigningCertUrl: "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000.pem",
          UnsubscribeUrl: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
          MessageAttributes: {},
        },
      },
    ],
  };
}
