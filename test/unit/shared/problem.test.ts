import {
  ConflictError,
  CredentialsRejectedError,
  ForbiddenError,
  NotFoundError,
  ProviderUnavailableError,
  TemporarilyUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  ValidationError,
} from '../../../functions/domain/errors';
import { errorToProblem } from '../../../functions/shared/problem';

describe('error → RFC 9457 problem', () => {
  it.each([
    [new ValidationError('bad', [{ field: 'api_key', message: 'x' }]), 400],
    [new UnauthorizedError('who'), 401],
    [new ForbiddenError('no'), 403],
    [new NotFoundError('none'), 404],
    [new ConflictError('clash'), 409],
    [new CredentialsRejectedError('refused'), 422],
    [new TooManyRequestsError('slow down', 42), 429],
    [new ProviderUnavailableError('down'), 503],
    [new TemporarilyUnavailableError('busy', 10), 503],
  ])('%s → %d problem+json with the message as detail', (error, status) => {
    const { response, expected } = errorToProblem(error, { instance: '/api/ai-usage/x', requestId: 'r1' });
    const result = response as { statusCode: number; headers: Record<string, string>; body: string };
    expect(expected).toBe(true);
    expect(result.statusCode).toBe(status);
    expect(result.headers['content-type']).toBe('application/problem+json');
    const body = JSON.parse(result.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      status,
      detail: error.message,
      instance: '/api/ai-usage/x',
      request_id: 'r1',
    });
    expect(String(body.type)).toMatch(/^urn:ai-usage:problem:/);
  });

  it('sets Retry-After on 429', () => {
    const result = errorToProblem(new TooManyRequestsError('wait', 17), {}).response as {
      headers: Record<string, string>;
    };
    expect(result.headers['retry-after']).toBe('17');
  });

  it('says when to reconnect while an old key is still being deleted: 503 temporarily-unavailable + Retry-After', () => {
    const result = errorToProblem(new TemporarilyUnavailableError('still being deleted', 10), {})
      .response as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };
    expect(result.statusCode).toBe(503);
    expect(result.headers['retry-after']).toBe('10');
    expect(JSON.parse(result.body)).toMatchObject({ type: 'urn:ai-usage:problem:temporarily-unavailable' });
  });

  it('hides the details of unexpected errors behind a 500', () => {
    const { response, expected } = errorToProblem(new Error('secret internals sk-ant-admin01-xyz'), {});
    const result = response as { statusCode: number; body: string };
    expect(expected).toBe(false);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('secret internals');
    expect(result.body).not.toContain('sk-ant');
  });
});
