/**
 * The only way the smoke run writes: every line goes through here, and every secret the run handles
 * (passwords, tokens, sessions, the TOTP secret and codes) is registered first, so none can reach the
 * terminal even inside an error message or a response body.
 */
export class RedactingPrinter {
  private readonly secrets = new Set<string>();

  constructor(private readonly print: (line: string) => void) {}

  /** Registers a value that must never be printed; returns it for convenience. */
  keep<T extends string | undefined>(secret: T): T {
    if (secret && secret.length >= 4) this.secrets.add(secret);
    return secret;
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join('[redacted]');
    return result;
  }

  line(text = ''): void {
    this.print(this.redact(text));
  }
}
