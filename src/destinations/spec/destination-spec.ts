// A destination as written in trait-definitions/destinations/<slug>.yaml or sent to
// saveDestination (docs/activation.md). Secrets are named by environment variable only.
export const DESTINATION_KINDS = ['webhook', 'braze', 'slack'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

export const TIMESTAMP_FORMATS = ['iso', 'epoch_s', 'epoch_ms'] as const;
export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number];

export type HeaderValue = string | { env: string };

export interface DestinationSpec {
  name: string;
  kind: DestinationKind;
  // Exactly one of url and url_env (a Slack webhook URL is itself a secret).
  url?: string;
  url_env?: string;
  // The HMAC-SHA256 signing key of webhooks, read from this environment variable.
  secret_env?: string;
  headers?: Record<string, HeaderValue>;
  // Audiences whose entries and exits are sent; with none, trait changes of every profile are.
  audiences?: string[];
  // Traits sent with each record (and whose changes are sent as `changed`).
  traits?: string[];
  // Identity types sent with each record.
  identities?: string[];
  // Trait or identity name → the field name the destination expects.
  mapping?: Record<string, string>;
  // Trait or identity names whose personal values may leave in clear; all others are hashed.
  clear?: string[];
  timestamp_format?: TimestampFormat;
  // upsert: an exit sets the membership false; mirror: an exit removes.
  mode?: 'upsert' | 'mirror';
  batch_size?: number;
  // Records per second, at most.
  rate_limit?: number;
  max_attempts?: number;
  // First retry delay; doubles per attempt (with jitter), up to five minutes.
  backoff_ms?: number;
  enabled?: boolean;
}

export const DEFAULTS = {
  timestamp_format: 'iso' as TimestampFormat,
  mode: 'upsert' as const,
  batch_size: 100,
  max_attempts: 8,
  backoff_ms: 1000,
};
