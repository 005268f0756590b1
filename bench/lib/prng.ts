// Deterministic pseudo-random numbers: the same seed gives the same dataset on every machine.

// splitmix32: mixes a 32-bit integer into a well-distributed one.
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

// mulberry32: a small, fast generator of floats in [0, 1).
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A generator for one entity, independent of every other: any slice of a dataset can be rebuilt alone.
export function rngFor(seed: number, index: number): () => number {
  return mulberry32(mix32(seed ^ mix32(index)));
}
