import { Injectable, OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  TraitUsageLookup,
  TraitUsageRegistry,
  usageLookup,
} from '../../trait-definitions/trait-usage.registry';
import { traitsRead } from '../rule/rule-references';
import type { Rule } from '../rule/rule.types';
import { AudienceDirectory } from './audience-directory.service';

// Which active audiences read each trait, from their rules: { lifetime_value: ['audience whales'] }.
export function audienceUsage(rules: readonly { slug: string; rule: Rule }[]): TraitUsageLookup {
  return usageLookup(
    rules,
    (a) => `audience ${a.slug}`,
    (a) => traitsRead(a.rule),
  );
}

// The same lookup for the CLI (`defs plan`), straight from the audience table.
export function audienceUsageFromDatabase(db: DataSource): TraitUsageLookup {
  return async (names) => {
    const rows = await db.query<{ slug: string; rule: Rule }[]>(
      'SELECT slug, rule FROM audience WHERE archived_at IS NULL',
    );
    return audienceUsage(rows)(names);
  };
}

// Tells a definitions plan which audiences a breaking change or removal of a trait would break.
@Injectable()
export class AudienceTraitUsage implements OnModuleInit {
  constructor(
    private readonly usage: TraitUsageRegistry,
    private readonly directory: AudienceDirectory,
  ) {}

  onModuleInit(): void {
    this.usage.register(async (names) => audienceUsage(await this.directory.active())(names));
  }
}
