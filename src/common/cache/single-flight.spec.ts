import { dueForRefresh } from './refresh-ahead';
import { SingleFlight } from './single-flight';

describe('SingleFlight', () => {
  it('shares one running call per key and starts a new one once it settled', async () => {
    const flight = new SingleFlight<string, number>();
    let calls = 0;
    let release!: () => void;
    const call = () => {
      calls += 1;
      return new Promise<number>((resolve) => (release = () => resolve(calls)));
    };
    const a = flight.run('k', call);
    const b = flight.run('k', call);
    expect(a).toBe(b);
    expect(flight.has('k')).toBe(true);
    release();
    expect(await a).toBe(1);
    expect(flight.has('k')).toBe(false);
    const c = flight.run('k', call);
    release();
    expect(await c).toBe(2);
  });

  it('lets a failed call go, and forget() stops sharing calls under way', async () => {
    const flight = new SingleFlight<string, number>();
    await expect(flight.run('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(flight.has('k')).toBe(false);
    let releaseFirst!: (n: number) => void;
    let releaseSecond!: (n: number) => void;
    const first = flight.run('k', () => new Promise<number>((r) => (releaseFirst = r)));
    flight.forget();
    const second = flight.run('k', () => new Promise<number>((r) => (releaseSecond = r)));
    expect(second).not.toBe(first);
    releaseFirst(1);
    expect(await first).toBe(1);
    // The first call settling does not drop the second one's place.
    expect(flight.has('k')).toBe(true);
    releaseSecond(2);
    expect(await second).toBe(2);
    expect(flight.has('k')).toBe(false);
  });
});

describe('dueForRefresh', () => {
  it('is due in the last fifth of an entry’s life only', () => {
    expect(dueForRefresh(10_000, 5_000, 5_000)).toBe(false);
    expect(dueForRefresh(10_000, 5_000, 9_000)).toBe(false);
    expect(dueForRefresh(10_000, 5_000, 9_001)).toBe(true);
  });
});
