import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_RUNTIME, PROJECT_ROOT } from '../../lib/constructs/service-function';

/** One Node for local and Lambda: the project's own Node (a dev dependency) is the Lambda runtime's major. */
describe('Node version', () => {
  const pinned = (
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    }
  ).devDependencies.node;

  it('pins the Node that npm scripts run on to the Lambda runtime major', () => {
    const lambdaMajor = /^nodejs(\d+)\.x$/.exec(NODE_RUNTIME.name)?.[1];
    expect(pinned?.split('.')[0]).toBe(lambdaMajor);
  });

  it('runs the tests on that Node, whatever Node the machine has', () => {
    expect(process.versions.node).toBe(pinned);
  });
});
