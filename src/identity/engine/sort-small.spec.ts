import fc from 'fast-check';
import { sortSmall } from './sort-small';

describe('sortSmall', () => {
  it('orders like Array.prototype.sort, stably, small and large', () => {
    const byKey = (a: { k: number }, b: { k: number }) => a.k - b.k;
    fc.assert(
      fc.property(
        fc.array(fc.record({ k: fc.integer({ min: 0, max: 5 }), id: fc.nat() }), { maxLength: 40 }),
        (items) => {
          expect(sortSmall([...items], byKey)).toEqual([...items].sort(byKey));
        },
      ),
    );
  });
});
