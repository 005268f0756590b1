import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { ProfilesModule } from '../profiles/profiles.module';
import { TraitDefinitionsModule } from '../trait-definitions/trait-definitions.module';
import { TraitsModule } from '../traits/traits.module';
import { ExplainChangesService } from './explain-changes.service';
import { ExplainResolver } from './explain.resolver';
import { ExplainService } from './explain.service';

// explain(identity, at): why a profile answered what it did at an instant (docs/time-travel.md).
@Module({
  imports: [ProfilesModule, IdentityModule, TraitsModule, TraitDefinitionsModule],
  providers: [ExplainService, ExplainChangesService, ExplainResolver],
})
export class ExplainModule {}
