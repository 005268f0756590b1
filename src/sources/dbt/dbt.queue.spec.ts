import { dbtJobId, parseDbtSyncJob } from './dbt.queue';

describe('dbt queue payloads', () => {
  it('accepts a well-formed job and refuses the rest', () => {
    expect(
      parseDbtSyncJob({ source: 'model.a.b', trigger: 'dbt', invocationId: 'x', extra: 1 }),
    ).toEqual({
      source: 'model.a.b',
      trigger: 'dbt',
      invocationId: 'x',
      fullRefresh: undefined,
    });
    expect(() => parseDbtSyncJob({ trigger: 'dbt' })).toThrow('job.source');
    expect(() => parseDbtSyncJob({ source: 'm', trigger: 'cron' })).toThrow('job.trigger');
    expect(() => parseDbtSyncJob({ source: 'm', trigger: 'manual', fullRefresh: 'yes' })).toThrow(
      'job.fullRefresh',
    );
    expect(() => parseDbtSyncJob(null)).toThrow('job.source');
  });

  it('makes one job id per dbt invocation and model, without colons', () => {
    const job = { source: 'model.a.b', trigger: 'dbt' as const, invocationId: 'inv:1' };
    expect(dbtJobId(job, 'n1')).toBe(dbtJobId(job, 'n2'));
    expect(dbtJobId(job, 'n1')).not.toContain(':');
    expect(dbtJobId({ source: 'm', trigger: 'manual' }, 'n1')).not.toBe(
      dbtJobId({ source: 'm', trigger: 'manual' }, 'n2'),
    );
  });
});
