import { DomainError, ErrorCode } from '../../common/errors/domain-error';

export interface ReadInstants {
  // Valid time: the values true then.
  asOf: Date;
  // Transaction time: only what had been recorded by then.
  knownAt: Date;
  // Merges and unmerges take effect when recorded: the identity graph read is the one of
  // min(asOf, knownAt).
  graphAt: Date;
}

// The instants of a read (docs/time-travel.md): none given → null (today's view); knownAt
// defaults to now, asOf to knownAt. A knownAt in the future is refused: what will have been
// recorded by then is not known yet, and an answer must never change later.
export function readInstants(
  asOf: Date | null | undefined,
  knownAt: Date | null | undefined,
  now: Date,
  field = 'knownAt',
): ReadInstants | null {
  if (!asOf && !knownAt) return null;
  if (knownAt && knownAt.getTime() > now.getTime()) {
    throw new DomainError(ErrorCode.INVALID_INPUT, `${field}: must not be in the future`, {
      [field]: 'must not be in the future',
    });
  }
  const k = knownAt ?? now;
  const t = asOf ?? k;
  return { asOf: t, knownAt: k, graphAt: t.getTime() < k.getTime() ? t : k };
}
