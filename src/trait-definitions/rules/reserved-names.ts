// Names a trait may not take. Identity type names would make `user_id:42` ambiguous between an
// identity and a trait; `audience:<slug>` names belong to audience membership traits.
// The identity feature may add configured identity types to RESERVED_TRAIT_NAMES.
export const RESERVED_TRAIT_NAMES: ReadonlySet<string> = new Set([
  'user_id',
  'anonymous_id',
  'email',
  'device_id',
  'network_userid',
]);

export const AUDIENCE_PREFIX = 'audience:';
