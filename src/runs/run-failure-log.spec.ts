import { Logger } from '@nestjs/common';
import { logRunFailure, maskQuoted } from './run-failure-log';

describe('the log line of a failed run', () => {
  it('names the run and its source, with the first line of the reason', () => {
    const lines: string[] = [];
    const logger = Object.assign(new Logger('test'), { warn: (m: string) => lines.push(m) });
    logRunFailure(
      logger,
      { id: 'r1', sourceKind: 'dbt', source: 'model.game.player_stats' },
      'relation analytics.player_stats does not exist\nHINT: run dbt first',
    );
    expect(lines).toEqual([
      'dbt run r1 of model.game.player_stats failed: relation analytics.player_stats does not exist',
    ]);
  });

  it('masks quoted values, which may be personal data, and keeps the line short', () => {
    expect(maskQuoted('invalid input syntax for type integer: "bob@example.com"')).toBe(
      'invalid input syntax for type integer: "…"',
    );
    expect(maskQuoted("cell 3 failed: KeyError: 'alice'")).toBe("cell 3 failed: KeyError: '…'");
    expect(maskQuoted('x'.repeat(400))).toHaveLength(301);
  });
});
