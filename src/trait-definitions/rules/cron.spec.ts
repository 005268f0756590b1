import { cronProblem } from './cron';

describe('cronProblem', () => {
  it('takes a leading seconds field only where allowed (notebook schedules)', () => {
    expect(cronProblem('*/2 * * * * *', true)).toBeNull();
    expect(cronProblem('*/2 * * * * *')).toMatch(/^must be a 5-field cron expression/);
    expect(cronProblem('61 * * * * *', true)).toBe(
      'cron second field "61": Constraint error, got value 61 expected range 0-59',
    );
    expect(cronProblem('0 */5 * * * MON', true)).toBeNull();
  });
});
