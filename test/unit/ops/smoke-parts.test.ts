import { parseSmokeArgs } from '../../../ops/smoke';
import { randomId, strongPassword } from '../../../ops/smoke/random-text';
import { RedactingPrinter } from '../../../ops/smoke/redacting-printer';

const counter = () => {
  let n = 0;
  return (size: number) => Uint8Array.from({ length: size }, () => (n = (n * 37 + 11) % 256));
};

describe('smoke arguments', () => {
  it.each([
    [['--stage', 'dev'], 'dev'],
    [['--stage=prod'], 'prod'],
  ])('accepts %j', (argv, stage) => {
    expect(parseSmokeArgs(argv)).toEqual({ ok: true, stage });
  });

  it.each([
    [[], /^--stage is required\n\nusage: npm run smoke -- --stage <dev\|prod>/],
    [['--stage'], /^--stage is required/],
    [['--stage', 'staging'], /^unknown stage "staging": use dev or prod\n\nusage:/],
    [['dev'], /^unknown argument "dev"/],
  ])('refuses %j with a usage message', (argv, message) => {
    const parsed = parseSmokeArgs(argv);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toMatch(message);
  });

  it('answers --help with the usage', () => {
    expect(parseSmokeArgs(['--help'])).toMatchObject({ ok: false, help: true, message: /^usage:/ });
  });
});

describe('smoke random text', () => {
  it('makes passwords the pool policy accepts, from the random source only', () => {
    for (let i = 0; i < 50; i++) {
      const password = strongPassword(counter());
      expect(password).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)(?=.*[!@#$%^&*()\-_=+[\]{}:;,.?~]).{24}$/);
    }
    expect(strongPassword(counter())).toBe(strongPassword(counter()));
  });

  it('makes ids of lower-case letters and digits', () => {
    expect(randomId(counter())).toMatch(/^[a-z0-9]{12}$/);
  });
});

describe('smoke output', () => {
  it('cuts every kept secret out of what it prints', () => {
    const lines: string[] = [];
    const out = new RedactingPrinter((line) => lines.push(line));
    out.keep('hunter2-Secret!');
    out.keep(undefined);
    out.line('password hunter2-Secret! twice: hunter2-Secret!');
    expect(lines).toEqual(['password [redacted] twice: [redacted]']);
  });
});
