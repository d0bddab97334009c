/**
 * The smallest Lambda handler, bundled as every function is (benchmark 13): what a cold start costs before any
 * of the project's code or dependencies load.
 */
export const handler = async (): Promise<{ statusCode: number }> => ({ statusCode: 200 });
