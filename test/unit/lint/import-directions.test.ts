import { join } from 'node:path';
import { ESLint } from 'eslint';

/**
 * `npm run lint` keeps the import directions: each case lints one line of code as if it were written in the
 * named file, against the project's own ESLint configuration.
 */
const ROOT = process.cwd();
const eslint = new ESLint({ cwd: ROOT });

async function problems(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = [x];\n`, {
    filePath: join(ROOT, file),
  });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

describe('import directions', () => {
  it.each([
    [
      'functions/domain/a.ts',
      "import { x } from '../providers/manifests';",
      /The domain depends on nothing outside it/,
    ],
    ['functions/domain/use-cases/a.ts', "import { x } from '../../adapters/system';", /The domain depends/],
    ['functions/domain/a.ts', "import { x } from '../shared/lazy';", /The domain depends/],
    ['functions/domain/a.ts', "import { x } from '../schemas/api';", /The domain depends/],
    [
      'functions/providers/claude-code/a.ts',
      "import { x } from '../../adapters/system';",
      /Providers implement/,
    ],
    ['functions/adapters/a.ts', "import { x } from '../handlers/health';", /Adapters implement/],
    ['functions/shared/a.ts', "import { x } from '../adapters/system';", /Shared helpers/],
    [
      'functions/handlers/a.ts',
      "import { x } from '../../lib/config';",
      /Runtime code never imports the CDK app/,
    ],
    ['functions/adapters/a.ts', "import { x } from '../../local/config';", /Runtime code never imports/],
    ['functions/handlers/a.ts', "import { x } from '../../ops/smoke';", /Runtime code never imports/],
    ['lib/a.ts', "import { x } from '../ops/smoke';", /The CDK app does not import operator tools/],
    [
      'lib/a.ts',
      "import { x } from '../functions/handlers/health';",
      /The CDK app imports runtime definitions only/,
    ],
    [
      'lib/a.ts',
      "import { x } from '../functions/adapters/system';",
      /The CDK app imports runtime definitions only/,
    ],
    ['functions/domain/a.ts', "import { x } from './nowhere';", /import-x\/no-unresolved/],
  ])('refuses, in %s: %s', async (file, source, expected) => {
    expect((await problems(file, source)).join('\n')).toMatch(expected);
  });

  it.each([
    ['functions/domain/use-cases/a.ts', "import { x } from '../sync-plan';"],
    ['functions/providers/claude-code/a.ts', "import { x } from '../../domain/errors';"],
    ['functions/adapters/a.ts', "import { x } from '../domain/ports';"],
    ['functions/handlers/a.ts', "import { x } from '../adapters/system';"],
    ['functions/handlers/a.ts', "import { x } from '../providers/catalog';"],
    ['lib/a.ts', "import { x } from '../functions/adapters/dynamodb/table-definitions';"],
    ['lib/a.ts', "import { x } from '../functions/providers/manifests';"],
    ['local/a.ts', "import { x } from '../functions/adapters/system';"],
    ['ops/smoke/a.ts', "import { x } from '../../functions/schemas/problems';"],
  ])('allows, in %s: %s', async (file, source) => {
    expect((await problems(file, source)).filter((p) => p.startsWith('import-x'))).toEqual([]);
  });
});
