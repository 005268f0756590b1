import { DestinationEntity } from './destination.entity';
import { LastSentEntity } from './last-sent.entity';
import { LedgerEntryEntity } from './ledger-entry.entity';
import { OutboxRecordEntity } from './outbox-record.entity';

export const DESTINATION_ENTITIES = [
  DestinationEntity,
  OutboxRecordEntity,
  LastSentEntity,
  LedgerEntryEntity,
];
