import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { CursorMark, DbtSyncStateEntity } from '../entities/dbt-sync-state.entity';

export type SyncMode = 'incremental' | 'full';

// Where a run starts reading (inclusive) and whether it is (or resumes) a full refresh.
export interface SyncStart {
  mode: SyncMode;
  from: string | null;
  refreshId: string | null;
  refreshStartedAt: Date | null;
  resumed: boolean;
}

// The high-water mark and full-refresh progress of each source. Every write here happens after
// the batch it describes has committed, so a crash can only make a run re-read, never skip.
@Injectable()
export class SyncStateService {
  constructor(
    @InjectRepository(DbtSyncStateEntity) private readonly states: Repository<DbtSyncStateEntity>,
  ) {}

  get(source: string): Promise<DbtSyncStateEntity | null> {
    return this.states.findOneBy({ source });
  }

  // First run, a cursor column change, a source without cursor, or a request → full refresh;
  // an interrupted full refresh resumes where its last batch committed.
  async begin(source: string, cursor: string | null, fullRefresh: boolean): Promise<SyncStart> {
    const state = (await this.get(source)) ?? this.states.create({ source, highWaterMark: null });
    const mark = (m: CursorMark | null) => (m && cursor && m.column === cursor ? m.value : null);
    if (state.refreshId && !fullRefresh) {
      return {
        mode: 'full',
        from: mark(state.refreshPosition),
        refreshId: state.refreshId,
        refreshStartedAt: state.refreshStartedAt,
        resumed: true,
      };
    }
    const hwm = mark(state.highWaterMark);
    if (!fullRefresh && hwm !== null) {
      return {
        mode: 'incremental',
        from: hwm,
        refreshId: null,
        refreshStartedAt: null,
        resumed: false,
      };
    }
    state.refreshId = randomUUID();
    state.refreshStartedAt = new Date();
    state.refreshPosition = null;
    state.updatedAt = new Date();
    await this.states.save(state);
    return {
      mode: 'full',
      from: null,
      refreshId: state.refreshId,
      refreshStartedAt: state.refreshStartedAt,
      resumed: false,
    };
  }

  async advance(source: string, start: SyncStart, mark: CursorMark): Promise<void> {
    const column = start.mode === 'full' ? 'refreshPosition' : 'highWaterMark';
    await this.states.update({ source }, { [column]: mark, updatedAt: new Date() });
  }

  // A completed full refresh becomes the new high-water mark (null when the relation was empty).
  async completeRefresh(source: string, mark: CursorMark | null): Promise<void> {
    await this.states.update(
      { source },
      {
        highWaterMark: mark,
        refreshId: null,
        refreshStartedAt: null,
        refreshPosition: null,
        updatedAt: new Date(),
      },
    );
  }
}
