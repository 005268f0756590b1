import { Injectable } from '@nestjs/common';
import { TraitRegistry } from '../../trait-definitions/trait-registry.service';
import { membershipTrait } from '../sync/profile-data';
import { DestinationNames, nameProblems } from './destination-names.check';
import type { DestinationSpec } from './destination-spec';
import type { SpecProblem } from './destination-spec.check';

// Checks a destination's traits and audiences against what the server defines now. An audience
// exists while its membership trait audience:<slug> does (the trait its sync reads); archiving
// the audience retires that trait.
@Injectable()
export class DestinationNameChecker {
  constructor(private readonly registry: TraitRegistry) {}

  async problems(spec: Pick<DestinationSpec, 'traits' | 'audiences'>): Promise<SpecProblem[]> {
    const wanted = [...(spec.traits ?? []), ...(spec.audiences ?? []).map(membershipTrait)];
    // A miss re-reads the definitions: a trait or audience made a moment ago is found.
    const defs = await this.registry.getMany(wanted);
    const state = (name: string) => {
      const def = defs.get(name);
      return def ? (def.retired ? 'retired' : 'active') : undefined;
    };
    const names: DestinationNames = {
      trait: state,
      audience: (slug) => state(membershipTrait(slug)),
    };
    return nameProblems(spec, names);
  }
}
