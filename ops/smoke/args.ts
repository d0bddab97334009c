import type { StageName } from '../../lib/config';

/** The stages `npm run smoke` accepts; the type check below fails when lib/config.ts gains another. */
export const SMOKE_STAGES = ['dev', 'prod'] as const satisfies readonly StageName[];
const everyStage: [Exclude<StageName, (typeof SMOKE_STAGES)[number]>] extends [never] ? true : never = true;
void everyStage;

export const SMOKE_USAGE = [
  'usage: npm run smoke -- --stage <dev|prod>',
  '',
  'Smoke-tests a deployed stage with your AWS credentials (default credential chain; region from',
  'AWS_REGION or the profile). It creates a throwaway Cognito user (deleted at the end) and sets the',
  "stage's smoke alarm to ALARM and back, so subscribed alarm addresses get one test notification.",
].join('\n');

export type SmokeArgs = { ok: true; stage: StageName } | { ok: false; help: boolean; message: string };

/** `--stage dev`, `--stage=prod`; anything else is a usage message. */
export function parseSmokeArgs(argv: readonly string[]): SmokeArgs {
  let stage: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return { ok: false, help: true, message: SMOKE_USAGE };
    if (arg === '--stage') {
      stage = argv[++i];
    } else if (arg.startsWith('--stage=')) {
      stage = arg.slice('--stage='.length);
    } else {
      return { ok: false, help: false, message: `unknown argument "${arg}"\n\n${SMOKE_USAGE}` };
    }
  }
  if (stage === undefined || stage === '') {
    return { ok: false, help: false, message: `--stage is required\n\n${SMOKE_USAGE}` };
  }
  if (!(SMOKE_STAGES as readonly string[]).includes(stage)) {
    return {
      ok: false,
      help: false,
      message: `unknown stage "${stage}": use ${SMOKE_STAGES.join(' or ')}\n\n${SMOKE_USAGE}`,
    };
  }
  return { ok: true, stage: stage as StageName };
}
