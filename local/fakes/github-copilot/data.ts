import { between, isWeekend, randomFor, weightedPick, type Random } from '../shared/seeded';
import { demoPerson } from '../shared/people';

/**
 * Deterministic Copilot usage-metrics data (provider-apis.md 2.3 and 2.4), shaped exactly as GitHub
 * documents it: one `users-1-day` record per active user, `user-teams-1-day` rows for teams with at
 * least five seated users, and seat assignments. Pure: one user's day depends only on (seed, day, user).
 */

export interface CopilotCounters {
  user_initiated_interaction_count: number;
  code_generation_activity_count: number;
  code_acceptance_activity_count: number;
  loc_suggested_to_add_sum: number;
  loc_suggested_to_delete_sum: number;
  loc_added_sum: number;
  loc_deleted_sum: number;
}

export interface CopilotUserRecord extends CopilotCounters {
  day: string;
  user_id: number;
  user_login: string;
  organization_id?: string;
  enterprise_id: string;
  used_agent: boolean;
  used_chat: boolean;
  used_cli: boolean;
  used_copilot_code_review_active: boolean;
  used_copilot_code_review_passive: boolean;
  ai_credits_used?: number;
  totals_by_ide: (CopilotCounters & {
    ide: string;
    last_known_ide_version?: { ide_version: string; sampled_at: string };
  })[];
  totals_by_feature: (CopilotCounters & { feature: string })[];
  totals_by_language_feature: (CopilotCounters & { language: string; feature: string })[];
  totals_by_language_model: (CopilotCounters & { language: string; model: string })[];
  totals_by_model_feature: (CopilotCounters & { model: string; feature: string })[];
  totals_by_cli?: {
    session_count: number;
    request_count: number;
    prompt_count: number;
    token_usage: { prompt_tokens_sum: number; output_tokens_sum: number; avg_tokens_per_request: number };
  };
}

export interface CopilotUserTeamRecord {
  user_id: number;
  user_login: string;
  day: string;
  organization_id?: string;
  enterprise_id?: string;
  team_id: number;
  slug: string;
}

export interface FakeDeveloper {
  id: number;
  login: string;
  /** Their work e-mail (the demo organisation's person i): what a SAML identity provider links to them. */
  email: string;
  team: FakeTeam | null;
  ide: string;
  languages: string[];
}

export interface FakeTeam {
  id: number;
  slug: string;
  name: string;
}

export interface GeneratorOptions {
  seed: string;
  developers: number;
  organizationId: string;
  enterpriseId: string;
  /** 'organization' rows carry organization_id; 'enterprise' rows do not. */
  scope: 'organization' | 'enterprise';
}

/** GitHub added per-user AI credits to the report on this day; older rows have no such field. */
export const AI_CREDITS_SINCE = '2026-06-19';
/** GitHub leaves teams with fewer seated Copilot users than this out of the user-teams report. */
export const MIN_TEAM_SIZE = 5;

/** platform and web are large enough for GitHub's team report; data (three people) is not. */
const TEAMS: readonly { team: FakeTeam; size: number }[] = [
  { team: { id: 42, slug: 'platform', name: 'Platform' }, size: 6 },
  { team: { id: 57, slug: 'web', name: 'Web' }, size: 6 },
  { team: { id: 63, slug: 'data', name: 'Data' }, size: 3 },
];

const IDES: readonly (readonly [string, number])[] = [
  ['vscode', 60],
  ['intellij', 20],
  ['visualstudio', 10],
  ['neovim', 5],
  ['xcode', 5],
];
const IDE_VERSIONS: Record<string, string> = {
  vscode: '1.109.0',
  intellij: '2025.3.1',
  visualstudio: '17.14.2',
  neovim: '0.11.2',
  xcode: '26.1',
};
// prettier-ignore
const LANGUAGES = ['typescript', 'python', 'go', 'java', 'rust', 'sql', 'markdown', 'yaml', 'csharp', 'kotlin'];
const COMPLETION_MODEL = 'gpt-4.1-copilot';
const CHAT_MODELS: readonly (readonly [string, number])[] = [
  ['claude-sonnet-4.5', 45],
  ['gpt-5', 35],
  ['gemini-2.5-pro', 20],
];
const CHAT_FEATURES: readonly (readonly [string, number])[] = [
  ['chat_panel_agent_mode', 45],
  ['chat_panel_ask_mode', 35],
  ['chat_panel_edit_mode', 20],
];

export function fakeDevelopers(options: Pick<GeneratorOptions, 'seed' | 'developers'>): FakeDeveloper[] {
  const developers: FakeDeveloper[] = [];
  let teamIndex = 0;
  let inTeam = 0;
  for (let index = 0; index < options.developers; index++) {
    const random = randomFor(options.seed, 'developer', String(index));
    const slot = TEAMS[teamIndex];
    let team: FakeTeam | null = null;
    if (slot) {
      team = slot.team;
      inTeam++;
      if (inTeam >= slot.size) {
        teamIndex++;
        inTeam = 0;
      }
    }
    const first = between(random, 0, LANGUAGES.length - 1);
    const languages = [
      LANGUAGES[first] as string,
      LANGUAGES[(first + between(random, 1, 4)) % LANGUAGES.length] as string,
    ];
    if (random() < 0.4) languages.push('markdown');
    const person = demoPerson(index);
    developers.push({
      id: 5_800_000 + index * 7919,
      // The demo organisation's person i, by the login they chose (shared with the other fakes).
      login: person.githubLogin,
      email: person.email,
      team,
      ide: weightedPick(random, IDES),
      languages: [...new Set(languages)],
    });
  }
  return developers;
}

function zeroCounters(): CopilotCounters {
  return {
    user_initiated_interaction_count: 0,
    code_generation_activity_count: 0,
    code_acceptance_activity_count: 0,
    loc_suggested_to_add_sum: 0,
    loc_suggested_to_delete_sum: 0,
    loc_added_sum: 0,
    loc_deleted_sum: 0,
  };
}

function sumCounters(parts: readonly CopilotCounters[]): CopilotCounters {
  const total = zeroCounters();
  for (const part of parts) {
    for (const key of Object.keys(total) as (keyof CopilotCounters)[]) total[key] += part[key];
  }
  return total;
}

/** Splits counters over `ways` parts whose sums equal the whole (integer shares, remainder on the first). */
function splitCounters(random: Random, counters: CopilotCounters, ways: number): CopilotCounters[] {
  const weights = Array.from({ length: ways }, () => 1 + random() * 3);
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  const parts = weights.map(() => zeroCounters());
  for (const key of Object.keys(counters) as (keyof CopilotCounters)[]) {
    let given = 0;
    for (let index = 1; index < ways; index++) {
      const share = Math.floor((counters[key] * (weights[index] as number)) / weightSum);
      (parts[index] as CopilotCounters)[key] = share;
      given += share;
    }
    (parts[0] as CopilotCounters)[key] = counters[key] - given;
  }
  return parts;
}

function completionCounters(random: Random): CopilotCounters {
  const generated = between(random, 8, 140);
  const accepted = Math.round(generated * (0.18 + random() * 0.27));
  return {
    ...zeroCounters(),
    code_generation_activity_count: generated,
    code_acceptance_activity_count: accepted,
    loc_suggested_to_add_sum: generated * between(random, 1, 4),
    loc_added_sum: accepted * between(random, 1, 3),
  };
}

function chatCounters(random: Random, agent: boolean): CopilotCounters {
  const prompts = between(random, 1, 35);
  const generated = Math.round(prompts * (0.8 + random() * 0.9));
  const accepted = Math.round(generated * (0.1 + random() * 0.35));
  return {
    user_initiated_interaction_count: prompts,
    code_generation_activity_count: generated,
    code_acceptance_activity_count: accepted,
    loc_suggested_to_add_sum: generated * between(random, 2, 12),
    loc_suggested_to_delete_sum: agent ? between(random, 0, 40) : 0,
    loc_added_sum: accepted * between(random, 2, 10) + (agent ? between(random, 5, 120) : 0),
    loc_deleted_sum: agent ? between(random, 0, 60) : 0,
  };
}

/** One user's record for one day, or undefined when the user did not use Copilot that day. */
export function userDay(
  developer: FakeDeveloper,
  day: string,
  options: GeneratorOptions,
): CopilotUserRecord | undefined {
  const random = randomFor(options.seed, 'day', day, String(developer.id));
  if (random() >= (isWeekend(day) ? 0.2 : 0.78)) return undefined;
  const ids = {
    ...(options.scope === 'organization' ? { organization_id: options.organizationId } : {}),
    enterprise_id: options.enterpriseId,
  };
  // Users seen only by GitHub's server-side signals: active, but no client telemetry behind them.
  if (random() < 0.06) {
    return {
      day,
      user_id: developer.id,
      user_login: developer.login,
      ...ids,
      ...zeroCounters(),
      used_agent: false,
      used_chat: false,
      used_cli: false,
      used_copilot_code_review_active: false,
      used_copilot_code_review_passive: random() < 0.5,
      totals_by_ide: [],
      totals_by_feature: [],
      totals_by_language_feature: [],
      totals_by_language_model: [],
      totals_by_model_feature: [],
    };
  }

  const completion = completionCounters(random);
  const usesChat = random() < 0.7;
  const chatFeature = weightedPick(random, CHAT_FEATURES);
  const agent = chatFeature === 'chat_panel_agent_mode';
  const chat = usesChat ? chatCounters(random, agent) : undefined;
  const chatModel = weightedPick(random, CHAT_MODELS);
  const features = [
    { feature: 'code_completion', model: COMPLETION_MODEL, counters: completion },
    ...(chat ? [{ feature: chatFeature, model: chatModel, counters: chat }] : []),
  ];
  const total = sumCounters(features.map((entry) => entry.counters));

  const byLanguageFeature = features.flatMap((entry) =>
    splitCounters(random, entry.counters, developer.languages.length).map((counters, index) => ({
      language: developer.languages[index] as string,
      feature: entry.feature,
      ...counters,
    })),
  );
  const usesCli = random() < 0.15;
  const record: CopilotUserRecord = {
    day,
    user_id: developer.id,
    user_login: developer.login,
    ...ids,
    ...total,
    used_agent: agent && usesChat,
    used_chat: usesChat,
    used_cli: usesCli,
    used_copilot_code_review_active: random() < 0.2,
    used_copilot_code_review_passive: random() < 0.3,
    totals_by_ide: [
      {
        ide: developer.ide,
        ...total,
        last_known_ide_version: {
          ide_version: IDE_VERSIONS[developer.ide] ?? '1.0.0',
          sampled_at: `${day}T${String(between(random, 8, 18)).padStart(2, '0')}:12:41.000Z`,
        },
      },
    ],
    totals_by_feature: features.map((entry) => ({ feature: entry.feature, ...entry.counters })),
    totals_by_language_feature: byLanguageFeature,
    totals_by_language_model: chat
      ? splitCounters(random, chat, developer.languages.length).map((counters, index) => ({
          language: developer.languages[index] as string,
          model: chatModel,
          ...counters,
        }))
      : [],
    totals_by_model_feature: features.map((entry) => ({
      model: entry.model,
      feature: entry.feature,
      ...entry.counters,
    })),
  };
  if (day >= AI_CREDITS_SINCE) {
    record.ai_credits_used =
      Math.round((total.user_initiated_interaction_count * 1.5 + random() * 4) * 10) / 10;
  }
  if (usesCli) {
    const requests = between(random, 2, 40);
    const promptTokens = requests * between(random, 800, 4000);
    const outputTokens = requests * between(random, 150, 900);
    record.totals_by_cli = {
      session_count: between(random, 1, 4),
      request_count: requests,
      prompt_count: between(random, 1, requests),
      token_usage: {
        prompt_tokens_sum: promptTokens,
        output_tokens_sum: outputTokens,
        avg_tokens_per_request: Math.round((promptTokens + outputTokens) / requests),
      },
    };
  }
  return record;
}

export function usersReport(
  day: string,
  developers: readonly FakeDeveloper[],
  options: GeneratorOptions,
): CopilotUserRecord[] {
  return developers.flatMap((developer) => userDay(developer, day, options) ?? []);
}

/** One row per (seated user, team) for teams with at least MIN_TEAM_SIZE seated users. */
export function userTeamsReport(
  day: string,
  developers: readonly FakeDeveloper[],
  options: GeneratorOptions,
): CopilotUserTeamRecord[] {
  const sizes = new Map<number, number>();
  for (const developer of developers) {
    if (developer.team) sizes.set(developer.team.id, (sizes.get(developer.team.id) ?? 0) + 1);
  }
  return developers
    .filter((developer) => developer.team && (sizes.get(developer.team.id) ?? 0) >= MIN_TEAM_SIZE)
    .map((developer) => ({
      user_id: developer.id,
      user_login: developer.login,
      day,
      ...(options.scope === 'organization'
        ? { organization_id: options.organizationId }
        : { enterprise_id: options.enterpriseId }),
      team_id: (developer.team as FakeTeam).id,
      slug: (developer.team as FakeTeam).slug,
    }));
}

/** The latest activity of a developer before `today` (seats API field), or null if none in 90 days. */
export function lastActivity(
  developer: FakeDeveloper,
  today: string,
  options: GeneratorOptions,
  addDays: (day: string, delta: number) => string,
): { at: string; editor: string } | null {
  for (let back = 1; back <= 90; back++) {
    const day = addDays(today, -back);
    const record = userDay(developer, day, options);
    if (record) {
      return {
        at: `${day}T16:40:02Z`,
        editor: `${developer.ide}/${IDE_VERSIONS[developer.ide] ?? '1.0.0'}/copilot-chat/0.37.1`,
      };
    }
  }
  return null;
}
