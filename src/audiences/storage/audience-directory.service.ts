import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AudienceEntity } from './audience.entity';

const STAMP = `SELECT count(*)::text || ':' || coalesce(max(updated_at)::text, '') AS stamp FROM audience`;

// Every audience (active and archived), kept in memory and re-read whenever the table changed:
// one cheap query tells. Evaluation, validation and the dependency index read it.
@Injectable()
export class AudienceDirectory {
  private stamp = '';
  private bySlug = new Map<string, AudienceEntity>();
  private loading: Promise<void> | undefined;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async all(): Promise<AudienceEntity[]> {
    await this.refresh();
    return [...this.bySlug.values()];
  }

  async active(): Promise<AudienceEntity[]> {
    return (await this.all()).filter((a) => a.archivedAt === null);
  }

  async bySlugMap(): Promise<ReadonlyMap<string, AudienceEntity>> {
    await this.refresh();
    return this.bySlug;
  }

  // The stamp it was last loaded at: a caller can tell when the set of audiences changed.
  async version(): Promise<string> {
    await this.refresh();
    return this.stamp;
  }

  private async refresh(): Promise<void> {
    this.loading ??= this.reload().finally(() => (this.loading = undefined));
    await this.loading;
  }

  private async reload(): Promise<void> {
    const [{ stamp }] = await this.db.query<{ stamp: string }[]>(STAMP);
    if (stamp === this.stamp) return;
    const rows = await this.db.getRepository(AudienceEntity).find();
    this.bySlug = new Map(rows.map((a) => [a.slug, a]));
    this.stamp = stamp;
  }
}
