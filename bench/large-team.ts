/**
 * The large customer of the benchmarks: one team of 1,000 developers on Claude Code, GitHub Copilot and Cursor,
 * with the breakdown variety of a real organisation of that size — about forty languages (a long tail), ten
 * editors and sixteen models, each developer with their own habits — generated deterministically per
 * (day, tool, developer), so two runs store the same figures.
 */
import {
  emptyBreakdowns,
  zeroMetrics,
  type DeveloperRef,
  type PartialMetrics,
} from '../functions/domain/metrics';
import type { StoredDeveloperDay } from '../functions/domain/model';
import { demoPerson } from '../local/fakes/shared/people';

export const TOOLS = [
  { provider: 'claude_code', integration_id: 'int_benchclaude', name: 'Claude Code' },
  { provider: 'github_copilot', integration_id: 'int_benchcopilot', name: 'GitHub Copilot' },
  { provider: 'cursor', integration_id: 'int_benchcursor', name: 'Cursor' },
] as const;
export type BenchTool = (typeof TOOLS)[number];

export const GROUPS = 20;

const EDITORS = [
  'vscode',
  'jetbrains-intellij',
  'jetbrains-pycharm',
  'jetbrains-goland',
  'jetbrains-webstorm',
  'neovim',
  'visual-studio',
  'xcode',
  'eclipse',
  'cursor',
];
const LANGUAGES = [
  'typescript',
  'python',
  'go',
  'java',
  'javascript',
  'rust',
  'sql',
  'kotlin',
  'c#',
  'c++',
  'ruby',
  'php',
  'swift',
  'scala',
  'shell',
  'yaml',
  'json',
  'markdown',
  'html',
  'css',
  'scss',
  'terraform',
  'dockerfile',
  'graphql',
  'protobuf',
  'c',
  'objective-c',
  'dart',
  'elixir',
  'haskell',
  'lua',
  'perl',
  'r',
  'julia',
  'clojure',
  'groovy',
  'powershell',
  'makefile',
  'toml',
  'vue',
  'svelte',
  'erlang',
];
const MODELS: Record<BenchTool['provider'], string[]> = {
  claude_code: [
    'claude-sonnet-4-5-20250929',
    'claude-opus-4-1-20250805',
    'claude-haiku-4-5-20251001',
    'claude-sonnet-4-20250514',
    'claude-opus-4-5-20251101',
  ],
  github_copilot: [
    'gpt-4.1',
    'gpt-5',
    'gpt-5-mini',
    'gpt-5-codex',
    'claude-sonnet-4.5',
    'claude-opus-4.1',
    'claude-haiku-4.5',
    'gemini-2.5-pro',
    'gemini-3-pro',
    'grok-code-fast-1',
    'o3',
    'o4-mini',
    'default',
  ],
  cursor: [
    'auto',
    'claude-4.5-sonnet',
    'claude-4.5-sonnet-thinking',
    'claude-4.1-opus',
    'gpt-5',
    'gpt-5-codex',
    'gpt-5-high',
    'gemini-2.5-pro',
    'composer-1',
    'grok-code-fast-1',
    'o3',
    'cheetah',
    'kimi-k2',
    'deepseek-v3.1',
    'sonic',
    'claude-4-sonnet',
  ],
};

/** Deterministic pseudo-random numbers per seed. */
function random(seed: number) {
  let state = Math.abs(Math.floor(seed)) % 2_147_483_647 || 1;
  return () => {
    state = (state * 48_271) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

/** An index into a list of n, weighted towards its head (a long tail, as languages are in practice). */
const zipf = (next: () => number, n: number) => Math.min(n - 1, Math.floor(n * next() ** 2.2));

export function developerRef(provider: string, index: number): DeveloperRef {
  const person = demoPerson(index);
  return provider === 'github_copilot'
    ? { key: `github:${5_800_000 + index * 7919}`, kind: 'user', login: person.githubLogin }
    : { key: `email:${person.email}`, kind: 'user', email: person.email };
}

/** A developer's habits, the same every day: editors, languages and models they use most. */
function habits(tool: BenchTool, index: number) {
  const next = random(index * 92_821 + tool.provider.length * 7);
  const models = MODELS[tool.provider];
  return {
    editors: [EDITORS[zipf(next, EDITORS.length)] as string, EDITORS[zipf(next, EDITORS.length)] as string],
    languages: Array.from({ length: 5 }, () => LANGUAGES[zipf(next, LANGUAGES.length)] as string),
    models: Array.from({ length: 4 }, () => models[zipf(next, models.length)] as string),
  };
}

function add(target: Record<string, PartialMetrics>, name: string, figures: PartialMetrics): void {
  const entry = (target[name] ??= {});
  for (const [metric, value] of Object.entries(figures) as [keyof PartialMetrics, number][]) {
    entry[metric] = (entry[metric] ?? 0) + value;
  }
}

/** Splits `total` in `parts` shares that add up to it. */
function shares(next: () => number, total: number, parts: number): number[] {
  const weights = Array.from({ length: parts }, () => 0.2 + next());
  const sum = weights.reduce((a, b) => a + b, 0);
  const split = weights.map((weight) => Math.floor((total * weight) / sum));
  split[0] = (split[0] ?? 0) + total - split.reduce((a, b) => a + b, 0);
  return split;
}

/** One integration's rows of a day: ~70 % of developers on weekdays, ~15 % at weekends. */
export function rowsOf(
  tool: BenchTool,
  teamId: string,
  date: string,
  developers: number,
): StoredDeveloperDay[] {
  const weekend = [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
  const rows: StoredDeveloperDay[] = [];
  for (let index = 0; index < developers; index++) {
    const next = random(Date.parse(date) / 86_400_000 + index * 7_919 + tool.provider.length * 104_729);
    if (next() > (weekend ? 0.15 : 0.7)) continue;
    const usual = habits(tool, index);
    const interactions = 1 + Math.floor(next() * 60);
    const shown = tool.provider === 'claude_code' ? 0 : Math.floor(interactions * 4 * next());
    const accepted = Math.floor(shown * next() * 0.5);
    const metrics = {
      ...zeroMetrics(),
      interactions,
      sessions: 1 + Math.floor(next() * 5),
      requests: interactions,
      chat_turns: Math.floor(interactions * next()),
      suggestions_shown: shown,
      suggestions_accepted: accepted,
      lines_suggested: shown * 3,
      lines_accepted: accepted * 3,
      lines_added: Math.floor(next() * 400),
      lines_removed: Math.floor(next() * 120),
      commits: Math.floor(next() * 4),
      pull_requests: next() > 0.8 ? 1 : 0,
      tokens_input: Math.floor(next() * 200_000),
      tokens_output: Math.floor(next() * 40_000),
      tokens_cache_read: Math.floor(next() * 800_000),
      tokens_cache_creation: Math.floor(next() * 50_000),
      cost_cents: Math.floor(next() * 300),
    };
    const breakdowns = emptyBreakdowns();
    const languages = 1 + Math.floor(next() * 4);
    shares(next, interactions, languages).forEach((part, i) => {
      const name = i < 3 ? usual.languages[i] : LANGUAGES[zipf(next, LANGUAGES.length)];
      const ratio = part / interactions;
      add(breakdowns.languages, name as string, {
        interactions: part,
        ...(shown > 0
          ? {
              suggestions_shown: Math.floor(shown * ratio),
              suggestions_accepted: Math.floor(accepted * ratio),
              lines_suggested: Math.floor(shown * 3 * ratio),
              lines_accepted: Math.floor(accepted * 3 * ratio),
            }
          : { lines_added: Math.floor(metrics.lines_added * ratio) }),
      });
    });
    const editors = next() > 0.85 ? 2 : 1;
    shares(next, interactions, editors).forEach((part, i) => {
      add(breakdowns.editors, usual.editors[i] as string, {
        interactions: part,
        ...(shown > 0 ? { suggestions_shown: Math.floor((shown * part) / interactions) } : {}),
      });
    });
    const models = 1 + Math.floor(next() * 3);
    shares(next, interactions, models).forEach((part, i) => {
      const ratio = part / interactions;
      add(breakdowns.models, usual.models[i] as string, {
        interactions: part,
        tokens_input: Math.floor(metrics.tokens_input * ratio),
        tokens_output: Math.floor(metrics.tokens_output * ratio),
        cost_cents: Math.floor(metrics.cost_cents * ratio),
      });
    });
    rows.push({
      team_id: teamId,
      integration_id: tool.integration_id,
      provider: tool.provider,
      date,
      developer: developerRef(tool.provider, index),
      active: true,
      metrics,
      breakdowns,
      extras: {},
    });
  }
  return rows;
}
