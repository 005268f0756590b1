import type { DestinationSpec } from '../spec/destination-spec';
import type { SyncRecord } from '../sync/record-builder';

export interface OutgoingRecord extends SyncRecord {
  deliveryId: string;
}

// The wire format of each destination kind. webhook: our own JSON batch; braze: a users/track
// request (attributes keyed by external_id, membership as a boolean attribute); slack: one
// incoming-webhook message listing the batch.
export function renderBody(spec: DestinationSpec, records: readonly OutgoingRecord[]): unknown {
  if (spec.kind === 'braze')
    return {
      attributes: records.map((r) => ({
        external_id: r.fields.external_id ?? r.profileId,
        ...r.fields,
        ...(r.audience
          ? { [`audience_${r.audience}`]: r.action === 'remove' ? null : r.type !== 'exited' }
          : {}),
        _update_existing_only: false,
      })),
    };
  if (spec.kind === 'slack')
    return {
      text: records
        .map((r) => {
          const what = r.audience ? `${r.type} *${r.audience}*` : 'changed';
          const extra = Object.entries(r.fields)
            .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(', ');
          return `• profile ${r.profileId} ${what}${extra ? ` (${extra})` : ''}`;
        })
        .join('\n'),
    };
  return { batch: records };
}
