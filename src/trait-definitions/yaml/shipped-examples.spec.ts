import { join } from 'node:path';
import { loadDefinitionsDir } from './definitions.loader';

// `npm start` applies trait-definitions/ on a fresh database, where the demo's relations do not
// exist yet: every scheduled source must wait for what it reads (a dbt source for its relation,
// which the sync checks itself; a notebook through waits_for), so a newcomer sees no failed runs.
describe('the shipped examples in trait-definitions/', () => {
  it('are valid, and every scheduled notebook waits for the relations it reads', async () => {
    const loaded = await loadDefinitionsDir(join(__dirname, '..', '..', '..', 'trait-definitions'));
    expect(loaded.issues).toEqual([]);
    const scheduled = loaded.specs.filter((s) => 'schedule' in s.source && s.source.schedule);
    expect(scheduled.map((s) => `${s.source.kind}:${s.name}`).sort()).toEqual([
      'dbt:contact_email',
      'dbt:country',
      'dbt:favourite_mode',
      'dbt:last_active_at',
      'dbt:lifetime_value',
      'dbt:player_level',
      'notebook:churn_propensity',
    ]);
    for (const s of scheduled.filter((x) => x.source.kind === 'notebook')) {
      expect(s.source.waits_for).toEqual(['analytics.player_features']);
    }
    for (const s of scheduled.filter((x) => x.source.kind === 'dbt')) {
      expect(s.source.relation).toBe('analytics.player_stats');
    }
  });
});
