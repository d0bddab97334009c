import { z } from 'zod';
import { CredentialsRejectedError, ProviderUnavailableError } from '../../domain/errors';
import { ProviderHttpError } from '../http-client';
import type { ProviderDefinition } from '../types';
import { AnthropicAdminClient } from './client';
import { checkAnthropicAdminKeyFormat } from './key-format';
import { claudeCodeManifest } from './manifest';
import { normalizeClaudeCodeDay } from './normalizer';

const KEY_HELP = 'Create a new Admin key in Claude Console → Settings → Admin keys and connect again.';

export const claudeCodeProvider = {
  manifest: claudeCodeManifest,
  connectOptionsSchema: z.object({}).strict(),
  checkKeyFormat: checkAnthropicAdminKeyFormat,

  async verifyCredentials(credentials, ctx) {
    try {
      const organization = await new AnthropicAdminClient(credentials.apiKey, ctx).getOrganization();
      return { id: organization.id, name: organization.name };
    } catch (error) {
      if (!(error instanceof ProviderHttpError)) throw error;
      if (error.kind === 'auth') {
        throw new CredentialsRejectedError(
          `Anthropic rejected this Admin key (${error.message}). ${KEY_HELP}`,
        );
      }
      if (error.kind === 'forbidden') {
        throw new CredentialsRejectedError(
          `Anthropic accepted the key but it may not read organisation data (${error.message}). ` +
            'Use an Admin API key of a Claude Console organisation, not a claude.ai scoped key.',
        );
      }
      throw new ProviderUnavailableError(
        `Anthropic could not be asked to check the key (${error.message}); try again in a few minutes.`,
        error.retryAfterSeconds,
      );
    }
  },

  async fetchDay(credentials, day, ctx) {
    const { records, requests } = await new AnthropicAdminClient(credentials.apiKey, ctx).getClaudeCodeDay(
      day,
    );
    return { kind: 'ok', raw: { records }, requests };
  },

  normalizeDay: normalizeClaudeCodeDay,
} satisfies ProviderDefinition<Record<string, never>>;
