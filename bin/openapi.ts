/**
 * `npm run openapi` writes docs/openapi.json from the API's zod schemas; `npm run openapi -- --check` (part
 * of `npm test`) fails when the checked-in document differs from what the code generates.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../functions/schemas/openapi';

const file = join(import.meta.dirname, '..', 'docs', 'openapi.json');
const generated = `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // A missing document is stale too.
  }
  if (current !== generated) {
    console.error('docs/openapi.json is not what the code generates: run `npm run openapi` and commit it.');
    process.exit(1);
  }
  console.log('docs/openapi.json is current.');
} else {
  writeFileSync(file, generated);
  console.log(`wrote ${file}`);
}
