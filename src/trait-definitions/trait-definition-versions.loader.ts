import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { TraitCatalogService } from './trait-catalog.service';
import type { TraitDefinitionVersionModel } from './trait-definition.model';

// One DataLoader per request (keyed by the request object), so listing every definition with its
// versions costs one query for the versions, not one per definition.
@Injectable()
export class TraitDefinitionVersionsLoader {
  private readonly perRequest = new WeakMap<
    object,
    DataLoader<number, TraitDefinitionVersionModel[]>
  >();

  constructor(private readonly catalog: TraitCatalogService) {}

  forRequest(req: object): DataLoader<number, TraitDefinitionVersionModel[]> {
    let loader = this.perRequest.get(req);
    if (!loader) {
      loader = new DataLoader((ids: readonly number[]) => this.catalog.versionsOf(ids));
      this.perRequest.set(req, loader);
    }
    return loader;
  }
}
