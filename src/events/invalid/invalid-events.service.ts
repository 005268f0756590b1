import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, FindOptionsWhere, Repository } from 'typeorm';
import type { FailedEventModel, InvalidEventModel } from '../models/invalid-event.model';
import { InvalidEventEntity } from './invalid-event.entity';

export const MAX_LIST = 500;

function toModel(e: InvalidEventEntity): InvalidEventModel {
  return {
    id: e.id,
    receivedAt: e.receivedAt,
    source: e.sourceName,
    type: e.type,
    event: e.event,
    messageId: e.messageId,
    schemaVersion: e.schemaVersion,
    reasons: e.reasons,
    payload: e.payload,
  };
}

// Reads of the invalid-events log and of the inbox's failed list, newest first.
@Injectable()
export class InvalidEventsService {
  constructor(
    @InjectRepository(InvalidEventEntity) private readonly invalid: Repository<InvalidEventEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async recent(
    limit: number,
    filter: { source?: string; event?: string },
  ): Promise<InvalidEventModel[]> {
    const where: FindOptionsWhere<InvalidEventEntity> = {};
    if (filter.source) where.sourceName = filter.source;
    if (filter.event) where.event = filter.event;
    const rows = await this.invalid.find({
      where,
      order: { id: 'DESC' },
      take: Math.min(limit, MAX_LIST),
    });
    return rows.map(toModel);
  }

  async failed(limit: number): Promise<FailedEventModel[]> {
    const rows: {
      id: string;
      received_at: Date;
      type: string;
      event: string | null;
      message_id: string;
      failure: string;
    }[] = await this.dataSource.query(
      `SELECT id, received_at, type, event, message_id, failure FROM event_inbox
         WHERE failure IS NOT NULL ORDER BY id DESC LIMIT $1`,
      [Math.min(limit, MAX_LIST)],
    );
    return rows.map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      type: r.type,
      event: r.event,
      messageId: r.message_id,
      failure: r.failure,
    }));
  }
}
