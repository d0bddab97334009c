import { TELEMETRY_REBUILD_DELAY_SECONDS } from '../../functions/domain/use-cases/rebuild-telemetry-day';
import { API_BASE_PATH } from '../../functions/routes';
import { environmentOf, functionNamed, resourcesOf, synthStage } from './helpers';

/** The telemetry write path in the stack (decisions 91 and 92). */
describe.each(['dev', 'prod'] as const)('%s: Claude Code telemetry', (stage) => {
  const { statelessTemplate: t, config } = synthStage(stage);
  const resources = Object.entries(resourcesOf(t));

  it('queues day rebuilds on a FIFO queue that holds them the rebuild delay, with a FIFO dead-letter queue', () => {
    const queues = resources.filter(([id, r]) => r.Type === 'AWS::SQS::Queue' && id.startsWith('Telemetry'));
    const queue = queues.find(([id]) => id.startsWith('TelemetryRebuildsQueue'))?.[1];
    const dlq = queues.find(([id]) => id.startsWith('TelemetryRebuildsDeadLetter'))?.[1];
    expect(queue?.Properties).toMatchObject({
      FifoQueue: true,
      DelaySeconds: TELEMETRY_REBUILD_DELAY_SECONDS,
      SqsManagedSseEnabled: true,
    });
    expect(dlq?.Properties).toMatchObject({ FifoQueue: true });
  });

  it('the worker reads the queue with partial batch answers', () => {
    const [workerId] = functionNamed(t, 'Rebuild telemetry days from their series');
    const mappings = resources.filter(
      ([, r]) =>
        r.Type === 'AWS::Lambda::EventSourceMapping' &&
        JSON.stringify(r.Properties.FunctionName).includes(workerId),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.[1].Properties).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  it('throttles the OTLP route apart from the stage, and tells its function the per-team limit', () => {
    const [, apiStage] = resources.find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Stage') ?? [];
    const { rateLimit, burstLimit, teamRequestsPerMinute } = config.telemetryThrottle;
    expect(apiStage?.Properties.RouteSettings).toEqual({
      [`POST ${API_BASE_PATH}/otlp/v1/metrics`]: {
        ThrottlingRateLimit: rateLimit,
        ThrottlingBurstLimit: burstLimit,
      },
    });
    // The stage is made after the route its settings name (CloudFormation refuses settings of an unknown route).
    expect(JSON.stringify(apiStage?.DependsOn ?? [])).toMatch(/otlp/);
    expect(environmentOf(t, 'POST /otlp/v1/metrics').TELEMETRY_REQUESTS_PER_MINUTE).toBe(
      String(teamRequestsPerMinute),
    );
  });
});
