import { integrationsTable } from '../../functions/adapters/dynamodb/table-definitions';
import { hashIngestToken, INGEST_TOKEN_PATTERN } from '../../functions/domain/ingest-tokens';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';

/**
 * Ingest tokens on real parts: an admin makes one (shown once), lists and revokes it; only its hash is stored,
 * with a lookup item by hash that names the team; members and other teams cannot see or revoke it.
 */
const NOW = '2026-11-20T12:00:00Z';
const TEAM = 'team-ingest-tokens';
const OTHER = 'team-ingest-other';

describe('ingest tokens', () => {
  let pipeline: TestPipeline;
  let admin: string;

  beforeAll(async () => {
    pipeline = await startPipeline({ now: NOW });
    admin = await pipeline.token(TEAM, 'admin');
  }, 30_000);
  afterAll(async () => pipeline?.close());

  it('an admin makes one, sees it listed without the token, and revokes it', async () => {
    const made = await pipeline.call('POST', '/ingest-tokens', {
      token: admin,
      body: { name: 'Claude Code managed settings' },
    });
    expect(made.status).toBe(201);
    const { token, ingest_token } = made.body as {
      token: string;
      ingest_token: { token_id: string; name: string; last_used_at: string | null };
    };
    expect(token).toMatch(INGEST_TOKEN_PATTERN);
    expect(ingest_token).toMatchObject({ name: 'Claude Code managed settings', last_used_at: null });

    const listed = await pipeline.call('GET', '/ingest-tokens', { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ ingest_tokens: [ingest_token] });
    expect(listed.text).not.toContain(token);
    expect(listed.text).not.toContain(hashIngestToken(token));

    // Stored: the record and its lookup by hash; the token nowhere.
    const items = await pipeline.scanTable(integrationsTable.envVar);
    expect(JSON.stringify(items)).not.toContain(token);
    const lookup = items.find((item) => item.pk === `INGEST_TOKEN_HASH#${hashIngestToken(token)}`);
    expect(lookup).toMatchObject({ team_id: TEAM, token_id: ingest_token.token_id });
    expect(await pipeline.runtime.ports.ingestTokens.resolve(hashIngestToken(token))).toEqual({
      team_id: TEAM,
      token_id: ingest_token.token_id,
    });

    // Another team's admin cannot revoke it; the team's member cannot list or make one.
    const other = await pipeline.token(OTHER, 'admin');
    expect(
      (await pipeline.call('DELETE', `/ingest-tokens/${ingest_token.token_id}`, { token: other })).status,
    ).toBe(404);
    const member = await pipeline.token(TEAM, 'member');
    expect((await pipeline.call('GET', '/ingest-tokens', { token: member })).status).toBe(403);
    expect(
      (await pipeline.call('POST', '/ingest-tokens', { token: member, body: { name: 'x' } })).status,
    ).toBe(403);
    // A member is refused for the role before anything sent is judged: a bad body or id is not a 400 or 404.
    expect((await pipeline.call('POST', '/ingest-tokens', { token: member, body: { nme: 1 } })).status).toBe(
      403,
    );
    expect((await pipeline.call('DELETE', '/ingest-tokens/not-an-id', { token: member })).status).toBe(403);
    expect(
      (await pipeline.call('DELETE', `/ingest-tokens/${ingest_token.token_id}`, { token: member })).status,
    ).toBe(403);
    expect((await pipeline.call('GET', '/ingest-tokens', { token: other })).body).toEqual({
      ingest_tokens: [],
    });

    const revoked = await pipeline.call('DELETE', `/ingest-tokens/${ingest_token.token_id}`, {
      token: admin,
    });
    expect(revoked.status).toBe(204);
    expect(await pipeline.runtime.ports.ingestTokens.resolve(hashIngestToken(token))).toBeUndefined();
    expect((await pipeline.call('GET', '/ingest-tokens', { token: admin })).body).toEqual({
      ingest_tokens: [],
    });
    expect(
      (await pipeline.call('DELETE', `/ingest-tokens/${ingest_token.token_id}`, { token: admin })).status,
    ).toBe(404);
  });

  it('refuses a nameless token with a problem that says what to send, and an id that is not one', async () => {
    const refused = await pipeline.call('POST', '/ingest-tokens', { token: admin, body: {} });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.text).toContain('name');
    expect((await pipeline.call('DELETE', '/ingest-tokens/nope', { token: admin })).status).toBe(404);
  });
});
