import { Logger } from '@nestjs/common';
import { join, resolve } from 'node:path';
import { DemoHttp } from '../demo/demo-http';
import { loadDemo } from '../demo/demo-loader';
import { demoTour } from '../demo/demo-tour';
import { parseArgs } from './cli-args';
import { openDatabase } from './cli-database';
import { io } from './cli-io';
import { apiKeysService } from './cli-services';
import { dbtImportService } from './dbt-services';

// `traitbase demo`: loads the demo studio into the running server, then prints the tour.
export async function demo(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { maxPositionals: 0, values: ['url'], flags: ['json'] });
  const db = await openDatabase();
  // The services the demo calls log their routine steps; its own lines say what happened.
  const line = (message: unknown, context?: string) =>
    io.err(`${context ?? 'traitbase'}: ${String(message)}`);
  Logger.overrideLogger({ log: () => undefined, warn: line, error: line });
  try {
    const url =
      args.values.get('url')?.[0] ??
      process.env.TRAITBASE_URL ??
      `http://localhost:${db.config.port}`;
    io.err(`loading the demo studio into ${url}`);
    const outcome = await loadDemo({
      config: db.config,
      db: db.dataSource,
      http: new DemoHttp(url),
      keys: apiKeysService(db.dataSource, db.config),
      dbtImport: dbtImportService(db.dataSource),
      dir: join(resolve(process.env.TRAITBASE_HOME || '.traitbase'), 'demo'),
      say: io.err,
      webhookUrl: process.env.DEMO_WEBHOOK_URL || undefined,
    });
    io.out(args.flags.has('json') ? JSON.stringify(outcome, null, 2) : demoTour(outcome, url));
    return 0;
  } finally {
    await db.close();
  }
}
