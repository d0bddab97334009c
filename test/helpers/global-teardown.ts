import { finishExposureCheck } from './exposure-check';

/** The secret exposure check (it fails the run on a finding), then DynamoDB Local stops. */
export default async function globalTeardown(): Promise<void> {
  const dynamo = globalThis.__DYNAMODB_LOCAL__;
  let failure: Error | undefined;
  try {
    if (globalThis.__EXPOSURE_RUN__) ({ failure } = finishExposureCheck(globalThis.__EXPOSURE_RUN__));
  } finally {
    await dynamo?.stop();
  }
  if (failure) throw failure;
}
