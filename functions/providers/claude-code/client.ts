import { ProviderHttpError, requestJson } from '../http-client';
import type { ProviderContext } from '../types';
import { claudeCodeManifest } from './manifest';
import { anthropicErrorSchema, anthropicOrganizationSchema, claudeCodePageSchema } from './schemas';

/** Client of the Anthropic Admin API endpoints this project reads. */
export const ANTHROPIC_VERSION = '2023-06-01';
const PAGE_LIMIT = 1000;

function describeAnthropicError(body: unknown): string | undefined {
  const parsed = anthropicErrorSchema.safeParse(body);
  return parsed.success ? `${parsed.data.error.type}: ${parsed.data.error.message}` : undefined;
}

export class AnthropicAdminClient {
  constructor(
    private readonly apiKey: string,
    private readonly ctx: ProviderContext,
  ) {}

  private get(path: string, query: Record<string, string> = {}) {
    const url = new URL(path, this.ctx.baseUrl.endsWith('/') ? this.ctx.baseUrl : `${this.ctx.baseUrl}/`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return requestJson(this.ctx, url.toString(), {
      headers: { 'x-api-key': this.apiKey, 'anthropic-version': ANTHROPIC_VERSION },
      describeError: describeAnthropicError,
      policy: {
        maxAttempts: claudeCodeManifest.limits.maxAttempts,
        maxRetryAfterSeconds: claudeCodeManifest.limits.maxRetryAfterSeconds,
      },
    });
  }

  async getOrganization(): Promise<{ id: string; name: string }> {
    const response = await this.get('v1/organizations/me');
    return anthropicOrganizationSchema.parse(response.body);
  }

  /**
   * Every Claude Code record of one UTC day, walking cursor pages until `has_more` is false.
   * A rejected cursor (400) restarts the walk once: the cursor pins a data boundary that may expire.
   */
  async getClaudeCodeDay(day: string): Promise<{ records: unknown[]; requests: number }> {
    let requests = 0;
    for (let walk = 1; ; walk++) {
      const records: unknown[] = [];
      let cursor: string | undefined;
      try {
        do {
          const query: Record<string, string> = { starting_at: day, limit: String(PAGE_LIMIT) };
          if (cursor !== undefined) query.page = cursor;
          requests++;
          const page = claudeCodePageSchema.parse(
            (await this.get('v1/organizations/usage_report/claude_code', query)).body,
          );
          records.push(...page.data);
          cursor = page.has_more ? (page.next_page ?? undefined) : undefined;
          if (page.has_more && cursor === undefined) {
            throw new ProviderHttpError('has_more without next_page', 'client', 200, 1);
          }
        } while (cursor !== undefined);
        return { records, requests };
      } catch (error) {
        const staleCursor =
          error instanceof ProviderHttpError && error.status === 400 && cursor !== undefined;
        if (!staleCursor || walk >= 2) throw error;
      }
    }
  }
}
