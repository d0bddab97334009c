import { readAnswer } from '../answers';
import { ProviderHttpError, requestAnswer } from '../http-client';
import type { ProviderContext } from '../types';
import { claudeCodeManifest } from './manifest';
import {
  anthropicErrorSchema,
  anthropicOrganizationSchema,
  claudeCodePageSchema,
  claudeCodeRecordSchema,
} from './schemas';

/** Client of the Anthropic Admin API endpoints this project reads. */
export const ANTHROPIC_VERSION = '2023-06-01';
const PAGE_LIMIT = 1000;

function describeAnthropicError(body: unknown): string | undefined {
  const parsed = anthropicErrorSchema.safeParse(body);
  return parsed.success ? `${parsed.data.error.type}: ${parsed.data.error.message}` : undefined;
}

/**
 * A page of the Claude Code report, its records checked too (kept as sent: the normaliser reads them again), so
 * a record of another shape is found while the page can still be asked again.
 */
function readPage(body: unknown) {
  const page = readAnswer(claudeCodePageSchema, body);
  page.data.forEach((record, index) =>
    readAnswer(claudeCodeRecordSchema, record, { prefix: ['data', index] }),
  );
  return page;
}

export class AnthropicAdminClient {
  constructor(
    private readonly apiKey: string,
    private readonly ctx: ProviderContext,
  ) {}

  /** A GET whose answer `read` checks (a damaged or misshapen body is asked again: requestAnswer). */
  private async get<T>(path: string, query: Record<string, string>, read: (body: unknown) => T): Promise<T> {
    const url = new URL(path, this.ctx.baseUrl.endsWith('/') ? this.ctx.baseUrl : `${this.ctx.baseUrl}/`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const response = await requestAnswer(
      this.ctx,
      url.toString(),
      {
        headers: { 'x-api-key': this.apiKey, 'anthropic-version': ANTHROPIC_VERSION },
        describeError: describeAnthropicError,
        policy: {
          maxAttempts: claudeCodeManifest.limits.maxAttempts,
          maxRetryAfterSeconds: claudeCodeManifest.limits.maxRetryAfterSeconds,
        },
      },
      read,
    );
    return response.body;
  }

  async getOrganization(): Promise<{ id: string; name: string }> {
    return this.get('v1/organizations/me', {}, (body) => readAnswer(anthropicOrganizationSchema, body));
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
          const page = await this.get('v1/organizations/usage_report/claude_code', query, readPage);
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
