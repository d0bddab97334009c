import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Runs bench/large-customer.ts in a process of its own (so every DynamoDB request it makes goes through its
 * metering proxy) and prints each line it prints.
 */
export async function largeCustomer(options: {
  endpoint: string;
  print: (line: string) => void;
  now: Date;
  developers: number;
  days: number;
}): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/large-customer.ts'], {
    env: {
      ...process.env,
      BENCH_DYNAMODB_ENDPOINT: options.endpoint,
      BENCH_NOW: options.now.toISOString(),
      BENCH_DEVELOPERS: String(options.developers),
      BENCH_DAYS: String(options.days),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => options.print(line));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`bench/large-customer.ts exited with ${code}`);
}
