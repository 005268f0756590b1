import { Injectable } from '@nestjs/common';
import type { WriteResult } from '../../traits/trait-write.types';
import { TraitWriter } from '../../traits/trait-writer.service';
import type { DiffRow } from '../compile/membership-sql';
import { AUDIENCE_SOURCE_KIND, membershipTrait } from '../storage/membership-trait';

export interface EvaluatedAudience {
  id: string;
  slug: string;
  version: number;
}

export interface MembershipTally {
  entered: number;
  exited: number;
  results: WriteResult[];
}

export function emptyTally(): MembershipTally {
  return { entered: 0, exited: 0, results: [] };
}

// Membership changes go through the one write path as values of the boolean trait
// audience:<slug>: entries true, exits false, observed at the evaluation time, with provenance
// audience id + definition version + run id. Each row names the profile by one of its identities.
@Injectable()
export class MembershipWriter {
  constructor(private readonly writer: TraitWriter) {}

  async write(
    audience: EvaluatedAudience,
    runId: string,
    rows: DiffRow[],
    observedAt: Date,
    tally: MembershipTally,
  ): Promise<void> {
    if (rows.length === 0) return;
    const trait = membershipTrait(audience.slug);
    const result = await this.writer.write({
      rows: rows.map((r) => ({
        identity: { type: r.id_type!, value: r.id_value! },
        trait,
        value: r.member,
        observedAt,
      })),
      provenance: {
        sourceKind: AUDIENCE_SOURCE_KIND,
        sourceRef: { audienceId: audience.id, definitionVersion: audience.version },
        runId,
      },
    });
    tally.results.push(result);
    // Rows the write path rejected (an identity no longer valid) are not counted as moves.
    const rejected = new Set(result.rejected.map((r) => r.index));
    rows.forEach((r, i) => {
      if (rejected.has(i)) return;
      if (r.member) tally.entered += 1;
      else tally.exited += 1;
    });
  }
}
