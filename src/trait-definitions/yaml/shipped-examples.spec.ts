import { join } from 'node:path';
import { loadDefinitionsDir } from './definitions.loader';

// `npm start` applies trait-definitions/: a schedule there over a relation a newcomer does not have
// would greet them with failed runs.
describe('the shipped examples in trait-definitions/', () => {
  it('are valid and schedule no source', async () => {
    const loaded = await loadDefinitionsDir(join(__dirname, '..', '..', '..', 'trait-definitions'));
    expect(loaded.issues).toEqual([]);
    const scheduled = loaded.specs.filter((s) => 'schedule' in s.source && s.source.schedule);
    expect(scheduled.map((s) => s.name)).toEqual([]);
  });
});
