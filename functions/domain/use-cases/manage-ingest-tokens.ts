import { requireAdmin } from './authorization';
import { ConflictError, NotFoundError } from '../errors';
import { hashIngestToken, MAX_INGEST_TOKENS, newIngestToken, type IngestToken } from '../ingest-tokens';
import type { Caller } from '../model';
import type { Clock, IdGenerator, IngestTokenRepository } from '../ports';

/**
 * Admins make, list and revoke their team's ingest tokens (functions/domain/ingest-tokens.ts).
 * Input: the verified caller and, to make one, its name. Output: the token itself only once, on creation;
 * lists show ids, names and times, never a token nor its hash.
 */
export interface ManageIngestTokensPorts {
  ingestTokens: Pick<IngestTokenRepository, 'create' | 'list' | 'revoke'>;
  clock: Clock;
  ids: IdGenerator;
}

export type IngestTokenView = Omit<IngestToken, 'team_id' | 'token_hash'>;

export const NO_INGEST_TOKEN = 'No ingest token with that id in your team.';

const view = ({ team_id: _team, token_hash: _hash, ...rest }: IngestToken): IngestTokenView => rest;

export async function createIngestToken(
  caller: Caller,
  input: { name: string },
  ports: ManageIngestTokensPorts,
): Promise<{ token: string; ingest_token: IngestTokenView }> {
  requireAdmin(caller);
  const existing = await ports.ingestTokens.list(caller.teamId);
  if (existing.length >= MAX_INGEST_TOKENS) {
    throw new ConflictError(
      `The team holds ${MAX_INGEST_TOKENS} ingest tokens, the most it may; revoke one (DELETE /api/ai-usage/ingest-tokens/{id}) first.`,
    );
  }
  const token = newIngestToken();
  const record: IngestToken = {
    team_id: caller.teamId,
    token_id: ports.ids.newId('itk'),
    name: input.name,
    created_at: ports.clock.now().toISOString(),
    created_by: caller.subject,
    last_used_at: null,
    token_hash: hashIngestToken(token),
  };
  await ports.ingestTokens.create(record);
  return { token, ingest_token: view(record) };
}

export async function listIngestTokens(
  caller: Caller,
  ports: Pick<ManageIngestTokensPorts, 'ingestTokens'>,
): Promise<IngestTokenView[]> {
  requireAdmin(caller);
  return (await ports.ingestTokens.list(caller.teamId)).map(view);
}

/** Revokes at once: the lookup item goes with it (an authorizer's cache may accept it a few minutes more). */
export async function revokeIngestToken(
  caller: Caller,
  tokenId: string,
  ports: Pick<ManageIngestTokensPorts, 'ingestTokens'>,
): Promise<void> {
  requireAdmin(caller);
  if (!(await ports.ingestTokens.revoke(caller.teamId, tokenId))) throw new NotFoundError(NO_INGEST_TOKEN);
}
