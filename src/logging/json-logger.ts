import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';
import { requestContext } from './request-context';

const PINO_LEVELS: Record<LogLevel, pino.Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

// LOG_FORMAT: json in production and CI (one object a line, for a log pipeline), readable text
// on a developer's terminal.
export function logFormat(env: {
  LOG_FORMAT?: string;
  NODE_ENV?: string;
  CI?: string;
}): 'json' | 'pretty' {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'pretty') return env.LOG_FORMAT;
  return env.NODE_ENV === 'production' || env.CI ? 'json' : 'pretty';
}

// Nest's LoggerService over pino (the logger Fastify carries): {level, time, pid, context, reqId,
// msg}, with errors' stacks under `err`. Messages are ids and counts only, as everywhere.
export class JsonLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(level: LogLevel, destination = pino.destination({ sync: true })) {
    this.pino = pino({ level: PINO_LEVELS[level], base: { pid: process.pid } }, destination);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  // Nest passes (message, context) and, for errors, (message, stack, context).
  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    const context =
      rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? rest.pop() : undefined;
    const stack = rest.find((r): r is string => typeof r === 'string');
    const fields: Record<string, unknown> = { context, reqId: requestContext.reqId() };
    if (stack) fields.err = { stack };
    if (message instanceof Error)
      fields.err = { type: message.name, message: message.message, stack: message.stack };
    this.pino[level](fields, message instanceof Error ? message.message : String(message));
  }
}
