import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RequireScopes } from '../../api-keys/require-scopes.decorator';
import { DataFlowQueries } from '../ledger/data-flow-queries.service';
import { maskedSpec } from '../spec/destination-secrets.check';
import { DEFAULTS } from '../spec/destination-spec';
import type { DestinationEntity } from '../storage/destination.entity';
import { DestinationsService } from '../storage/destinations.service';
import { DestinationSync } from '../sync/destination-sync.service';
import {
  DeliveryLogArgs,
  DestinationSlugArgs,
  ReplayArgs,
  SaveDestinationInput,
} from './destination.inputs';
import { DeadLetterModel, DestinationModel } from './destination.models';

// Destinations: reading takes profile:read (or audience:write); changing, backfilling and
// replaying take admin.
@Resolver(() => DestinationModel)
export class DestinationsResolver {
  constructor(
    private readonly service: DestinationsService,
    private readonly sync: DestinationSync,
    private readonly queries: DataFlowQueries,
  ) {}

  @Query(() => [DestinationModel])
  @RequireScopes('profile:read', 'audience:write')
  async destinations(): Promise<DestinationModel[]> {
    return Promise.all((await this.service.active()).map((d) => this.toModel(d)));
  }

  @Query(() => [DeadLetterModel])
  @RequireScopes('profile:read', 'audience:write')
  deadLetters(@Args() args: DeliveryLogArgs): Promise<DeadLetterModel[]> {
    return this.queries.deadLetters(args.destination, args.first);
  }

  @Mutation(() => DestinationModel, { description: 'Create or change a destination (admin)' })
  @RequireScopes('admin')
  async saveDestination(@Args('input') input: SaveDestinationInput): Promise<DestinationModel> {
    return this.toModel(await this.service.save(input.slug, input.config, { kind: 'api' }));
  }

  @Mutation(() => Int, { description: 'Queue the current members for delivery; returns how many' })
  @RequireScopes('admin')
  backfillDestination(@Args() args: DestinationSlugArgs): Promise<number> {
    return this.sync.backfill(args.destination);
  }

  @Mutation(() => Int, { description: 'Send dead-lettered records again; returns how many' })
  @RequireScopes('admin')
  async replayDeadLetters(@Args() args: ReplayArgs): Promise<number> {
    await this.service.bySlugOrThrow(args.destination);
    return this.queries.replay(args.destination, args.deliveryIds ?? null);
  }

  private async toModel(d: DestinationEntity): Promise<DestinationModel> {
    const counts = await this.queries.counts(d.id);
    return {
      slug: d.slug,
      name: d.spec.name,
      kind: d.spec.kind,
      origin: d.origin,
      file: d.file,
      audiences: d.spec.audiences ?? [],
      traits: d.spec.traits ?? [],
      mode: d.spec.mode ?? DEFAULTS.mode,
      config: maskedSpec(d.spec),
      pending: counts.pending ?? 0,
      dead: counts.dead ?? 0,
    };
  }
}
