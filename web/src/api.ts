/** The API client: the session's token on every call, problems (RFC 9457) as errors that say what to do. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: { field: string; message: string }[] = [],
    readonly retryAfter: number | null = null,
  ) {
    super(detail || title);
  }
}

export class Api {
  constructor(
    private readonly base: string,
    private readonly token: string,
    private readonly onUnauthorized: () => void,
  ) {}

  url(path: string): string {
    return `${this.base}${path}`;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.url(path), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized();
      throw new ApiError(
        response.status,
        String(parsed.title ?? response.statusText),
        String(parsed.detail ?? parsed.message ?? ''),
        (parsed.errors as { field: string; message: string }[] | undefined) ?? [],
        response.headers.get('retry-after') ? Number(response.headers.get('retry-after')) : null,
      );
    }
    return parsed as T;
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  /** A CSV export downloaded with the token (a link could not send the Authorization header). */
  async download(path: string, fallbackName: string): Promise<string> {
    const response = await fetch(this.url(path), {
      headers: { authorization: `Bearer ${this.token}`, accept: 'text/csv' },
    });
    if (!response.ok) throw new ApiError(response.status, response.statusText, await response.text());
    const text = await response.text();
    const name =
      /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    return text;
  }
}
