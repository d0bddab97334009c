import { jest } from '@jest/globals';

// Backfills run through DynamoDB Local on a 2-core machine: allow a loaded CI run its time.
// (`testTimeout` is a global Jest option; inside a project entry it is ignored.)
jest.setTimeout(60_000);
