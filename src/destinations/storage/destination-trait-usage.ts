import { Injectable, OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  TraitUsageLookup,
  TraitUsageRegistry,
  usageLookup,
} from '../../trait-definitions/trait-usage.registry';
import type { DestinationSpec } from '../spec/destination-spec';
import { membershipTrait } from '../sync/profile-data';
import { DestinationsService } from './destinations.service';

// Which active destinations send each trait: the traits they list, and the membership traits
// (audience:<slug>) of the audiences they list: { lifetime_value: ['destination crm'] }.
export function destinationUsage(
  destinations: readonly { slug: string; spec: DestinationSpec }[],
): TraitUsageLookup {
  return usageLookup(
    destinations,
    (d) => `destination ${d.slug}`,
    (d) => [...(d.spec.traits ?? []), ...(d.spec.audiences ?? []).map(membershipTrait)],
  );
}

// The same lookup for the CLI (`defs plan`), straight from the destination table.
export function destinationUsageFromDatabase(db: DataSource): TraitUsageLookup {
  return async (names) => {
    const rows = await db.query<{ slug: string; spec: DestinationSpec }[]>(
      'SELECT slug, spec FROM destination WHERE archived_at IS NULL ORDER BY slug',
    );
    return destinationUsage(rows)(names);
  };
}

// Tells a definitions plan which destinations a breaking change or removal of a trait affects.
@Injectable()
export class DestinationTraitUsage implements OnModuleInit {
  constructor(
    private readonly usage: TraitUsageRegistry,
    private readonly destinations: DestinationsService,
  ) {}

  onModuleInit(): void {
    this.usage.register(async (names) => destinationUsage(await this.destinations.active())(names));
  }
}
