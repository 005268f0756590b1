// Every column that can hold a profile id or an identity value, and the statement that erases the
// person from its table. $1 = the profile ids (the profile and those merged into it), $2 = the
// identity values, $3 = the identities as "type:value" texts. test/security/erasure-coverage reads
// the catalog and fails when a table holding such a column is not listed here: a new table is
// covered, or the suite goes red.
export interface ErasureStep {
  table: string;
  columns: readonly string[];
  // Partitions (events_y2026m11, …) are erased through their parent.
  sql: string;
}

// A Segment message (in column `payload`) naming one of the identity values $2.
const payloadIds = (payload = 'payload') =>
  `(${payload}->>'userId' = ANY($2) OR ${payload}->>'anonymousId' = ANY($2) OR ${payload}->>'previousId' = ANY($2))`;

export const ERASURE_COVERAGE: readonly ErasureStep[] = [
  {
    table: 'trait_revision',
    columns: ['profile_id', 'identity_value'],
    sql: `DELETE FROM trait_revision WHERE profile_id = ANY($1::uuid[])`,
  },
  {
    table: 'trait_value',
    columns: ['profile_id'],
    sql: `DELETE FROM trait_value WHERE profile_id = ANY($1::uuid[])`,
  },
  {
    table: 'change_feed',
    columns: ['profile_id'],
    sql: `DELETE FROM change_feed WHERE profile_id = ANY($1::uuid[])`,
  },
  {
    table: 'events',
    columns: ['profile_id', 'identity_value', 'user_id', 'anonymous_id'],
    sql: `DELETE FROM events WHERE profile_id = ANY($1::uuid[]) OR user_id = ANY($2) OR anonymous_id = ANY($2)`,
  },
  {
    // Queued messages of the person leave the queue with their inbox rows (next step).
    table: 'event_inbox_pending',
    columns: [],
    sql: `DELETE FROM event_inbox_pending p USING event_inbox i WHERE p.shard = i.shard AND p.id = i.id AND ${payloadIds('i.payload')}`,
  },
  {
    table: 'event_inbox',
    columns: ['payload'],
    sql: `DELETE FROM event_inbox WHERE ${payloadIds()}`,
  },
  {
    table: 'invalid_event',
    columns: ['payload'],
    sql: `DELETE FROM invalid_event WHERE ${payloadIds()}`,
  },
  {
    table: 'identity_move',
    columns: ['from_profile_id', 'to_profile_id', 'value'],
    sql: `DELETE FROM identity_move WHERE from_profile_id = ANY($1::uuid[]) OR to_profile_id = ANY($1::uuid[]) OR type || ':' || value = ANY($3)`,
  },
  {
    table: 'identity_violation',
    columns: ['profile_id', 'target_profile_id', 'identity_value'],
    sql: `DELETE FROM identity_violation WHERE profile_id = ANY($1::uuid[]) OR target_profile_id = ANY($1::uuid[]) OR identity_type || ':' || identity_value = ANY($3)`,
  },
  {
    table: 'profile_merge',
    columns: ['from_profile_id', 'into_profile_id', 'identities'],
    sql: `DELETE FROM profile_merge WHERE from_profile_id = ANY($1::uuid[]) OR into_profile_id = ANY($1::uuid[])`,
  },
  {
    table: 'identity_link',
    columns: ['member_values'],
    sql: `DELETE FROM identity_link WHERE member_values && $2::text[]`,
  },
  {
    table: 'dbt_refresh_seen',
    columns: ['identity_value'],
    sql: `DELETE FROM dbt_refresh_seen WHERE identity_type || ':' || identity_value = ANY($3)`,
  },
  {
    table: 'destination_outbox',
    columns: ['profile_id', 'payload'],
    sql: `DELETE FROM destination_outbox WHERE profile_id = ANY($1::uuid[])`,
  },
  {
    table: 'destination_last_sent',
    columns: ['profile_id'],
    sql: `DELETE FROM destination_last_sent WHERE profile_id = ANY($1::uuid[])`,
  },
  {
    table: 'data_flow_ledger',
    columns: ['profile_id', 'fields'],
    sql: `DELETE FROM data_flow_ledger WHERE profile_id = ANY($1::uuid[])`,
  },
  {
    // Requests of the person still waiting keep no profile id: they finish with nothing to erase.
    table: 'erasure_request',
    columns: ['profile_id'],
    sql: `UPDATE erasure_request SET profile_id = NULL WHERE profile_id = ANY($1::uuid[])`,
  },
  {
    table: 'identity',
    columns: ['profile_id', 'value'],
    sql: `DELETE FROM identity WHERE profile_id = ANY($1::uuid[])`,
  },
  {
    table: 'profile',
    columns: ['id', 'merged_into'],
    sql: `DELETE FROM profile WHERE id = ANY($1::uuid[])`,
  },
];

// Which catalog columns count as holding a person: read by the coverage test.
export const PERSON_COLUMN =
  /(^|_)profile_id$|^merged_into$|^identity_value$|^user_id$|^anonymous_id$|^member_values$|^payload$/;
export const PERSON_COLUMN_IN: Record<string, readonly string[]> = {
  identity: ['value'],
  identity_move: ['value'],
  profile: ['id'],
  profile_merge: ['identities'],
};
