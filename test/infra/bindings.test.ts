import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Table, AttributeType } from 'aws-cdk-lib/aws-dynamodb';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { tableDefinitions, usageTable } from '../../functions/adapters/dynamodb/table-definitions';
import { ENV } from '../../functions/environment';
import { functionEntries } from '../../functions/routes';
import {
  PROJECT_ROOT,
  ServiceFunction,
  type ServiceFunctionProps,
} from '../../lib/constructs/service-function';
import { cdkContext, environmentOf, grantsOf } from './helpers';

/** A binding sets a function's variable and its permission in one call; these check the binding itself. */
function scratch(props: Partial<ServiceFunctionProps> = {}) {
  const app = new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'BindingCheck');
  const fn = new ServiceFunction(stack, 'Fn', {
    entry: functionEntries.health,
    description: 'binding check',
    serviceName: 'binding-check',
    logRetention: RetentionDays.ONE_DAY,
    logRemovalPolicy: RemovalPolicy.DESTROY,
    ...props,
  });
  const table = new Table(stack, 'Usage', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  return { stack, fn, usage: { definition: usageTable, table } };
}

describe('bindings', () => {
  it('no variable name is written in lib/: each comes from functions/environment.ts or a table definition', () => {
    const names = [...Object.values(ENV), ...tableDefinitions.map((d) => d.envVar)];
    const files = readdirSync(join(PROJECT_ROOT, 'lib'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => [file, readFileSync(join(PROJECT_ROOT, 'lib', file), 'utf8')] as const);
    expect(files.length).toBeGreaterThan(5);
    const written = files.flatMap(([file, text]) =>
      names.filter((name) => text.includes(name)).map((name) => `${file}: ${name}`),
    );
    expect(written).toEqual([]);
  });

  it('a variable belongs to one binding: binding it twice fails', () => {
    const { fn, usage } = scratch();
    fn.bindTable(usage, ['dynamodb:Query']);
    expect(() => fn.bindTable(usage, ['dynamodb:PutItem'])).toThrow(/USAGE_TABLE is bound twice/);
  });

  it('a variable already set as a setting cannot be bound', () => {
    const { stack, fn } = scratch({ environment: { [ENV.syncQueueUrls]: '{}' } });
    expect(() => fn.bindQueues({ p: new Queue(stack, 'Q') })).toThrow(/SYNC_QUEUE_URLS is bound twice/);
  });

  it('an index the table definition does not declare cannot be bound', () => {
    const { fn, usage } = scratch();
    expect(() => fn.bindTable(usage, ['dynamodb:Query'], { index: 'by-anything' })).toThrow(
      /Table Usage has no index by-anything/,
    );
  });

  it('a table without a customer-managed key binds no KMS permission', () => {
    const { stack, fn, usage } = scratch();
    fn.bindTable(usage, ['dynamodb:PutItem']);
    const template = Template.fromStack(stack);
    const tableId = stack.getLogicalId(usage.table.node.defaultChild as never);
    expect(grantsOf(template, 'binding check').filter((g) => !/^(logs|xray):/.test(g))).toEqual([
      `dynamodb:PutItem <${tableId}>`,
    ]);
    expect(environmentOf(template, 'binding check')[usageTable.envVar]).toBe(`<${tableId}>`);
  });
});
