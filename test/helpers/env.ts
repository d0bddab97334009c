/**
 * Runs before every test file: handlers talk to no real AWS service and print no logs. In a run with the
 * exposure capture (the global setup's), they log at DEBUG, so that the secret exposure check reads every line
 * the code can write; the lines go to the capture, not the terminal (test/helpers/exposure-environment.ts).
 */
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.POWERTOOLS_SERVICE_NAME ??= 'ai-usage-test';
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'AiUsageTest';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??=
  process.env.TEST_LOG_LEVEL ?? (process.env.EXPOSURE_CAPTURE_DIR ? 'DEBUG' : 'SILENT');
process.env.AWS_XRAY_CONTEXT_MISSING ??= 'IGNORE_ERROR';
