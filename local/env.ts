// No imports here: this must be applied before any handler module (and Powertools) loads.
/** Environment every in-process handler expects: quiet Powertools, dummy AWS credentials. */
export function localProcessEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_SERVICE_NAME: 'ai-usage-local',
    POWERTOOLS_METRICS_NAMESPACE: 'AiUsageLocal',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    ...overrides,
  };
}
