import type { TraitWriteRow, WriteResult } from '../traits/trait-write.types';

const SAMPLE = 20;

export interface RejectedSample {
  trait: string | null;
  reason: string;
}

// Counts of one run. read counts warehouse rows; changed / unchanged / rejected count trait values.
// The rejected sample keeps reasons and trait names only, never values or identities.
export class RunTally {
  read = 0;
  changed = 0;
  unchanged = 0;
  rejected = 0;
  readonly sample: RejectedSample[] = [];

  // The tally of a run made of these writes (of `writes`, when it was one batch, to name the
  // traits of rejected rows): every row it was given was read.
  static ofWrites(
    results: readonly WriteResult[],
    writes: readonly TraitWriteRow[] = [],
  ): RunTally {
    const tally = new RunTally();
    for (const result of results) {
      tally.addWrite(result, writes);
      tally.read += result.accepted + result.rejected.length;
    }
    return tally;
  }

  addWrite(result: WriteResult, writes: readonly TraitWriteRow[]): void {
    this.changed += result.revisions;
    this.unchanged += result.unchanged;
    this.rejected += result.rejected.length;
    for (const r of result.rejected) {
      if (this.sample.length >= SAMPLE) break;
      this.sample.push({ trait: writes[r.index]?.trait ?? null, reason: r.reason });
    }
  }

  addRejected(count: number, reason: string): void {
    if (count === 0) return;
    this.rejected += count;
    if (this.sample.length < SAMPLE) this.sample.push({ trait: null, reason });
  }
}
