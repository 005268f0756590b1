import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { TraitRegistry } from '../../trait-definitions/trait-registry.service';
import { traitsRead } from '../rule/rule-references';
import type { Rule } from '../rule/rule.types';
import { AudienceDirectory } from '../storage/audience-directory.service';
import type { CompileTarget } from './compile-target';

export interface TargetOptions {
  asOf: Date;
  historical?: boolean;
  // The placeholder of a uuid[] parameter holding the profiles to evaluate; null: all profiles.
  scope?: string | null;
}

// Resolves what a rule names (trait ids, other audiences' membership traits) for the compiler.
@Injectable()
export class RuleCompiler {
  constructor(
    private readonly registry: TraitRegistry,
    private readonly directory: AudienceDirectory,
  ) {}

  async target(rule: Rule, options: TargetOptions): Promise<CompileTarget> {
    const defs = await this.registry.getMany(traitsRead(rule));
    const audiences = await this.directory.bySlugMap();
    return {
      asOf: options.asOf,
      historical: options.historical ?? false,
      scope: options.scope ?? null,
      traitId: (name) => {
        const def = defs.get(name);
        if (!def)
          throw new DomainError(ErrorCode.INVALID_INPUT, `rule: trait ${name} is not defined`);
        return def.id;
      },
      membershipTraitId: (slug) => {
        const audience = audiences.get(slug);
        if (!audience)
          throw new DomainError(ErrorCode.INVALID_INPUT, `rule: no audience is named ${slug}`);
        return audience.traitId;
      },
    };
  }
}
