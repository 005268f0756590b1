import Ajv from 'ajv';
import { schemaProblems } from '../../common/yaml/schema-problems';
import type { YamlPath } from '../../common/yaml/yaml-issue';
import { literalHeaderProblem, literalUrlProblem } from './destination-secrets.check';
import type { DestinationSpec } from './destination-spec';
import { DESTINATION_SPEC_SCHEMA } from './destination-spec.schema';

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
const validate = ajv.compile(DESTINATION_SPEC_SCHEMA);

export interface SpecProblem {
  path: YamlPath;
  atKey: boolean;
  rule: string;
}

// An HTTP token (RFC 9110): no space, colon, CR or LF, so a name cannot smuggle a header in.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
// Set by the sender: framing and routing are never configurable.
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'content-type',
  'x-traitbase-signature',
]);

export function headerNameProblem(name: string): string | null {
  if (!HEADER_NAME.test(name))
    return "must be an HTTP header name (letters, digits and !#$%&'*+.^_`|~-)";
  if (RESERVED_HEADERS.has(name.toLowerCase()))
    return 'is set by Traitbase and cannot be configured';
  return null;
}

// A CR, LF or NUL in a value would start a header (or a request) of its own.
export function headerValueProblem(value: string): string | null {
  return /[\r\n\0]/.test(value) ? 'must not contain CR, LF or NUL characters' : null;
}

// Braze's users/track takes at most 75 attributes objects per request.
const BRAZE_MAX_BATCH = 75;

// The shape (JSON Schema), then the rules that span fields and the secrets rule (credentials only
// from the environment, destination-secrets.check.ts). Used by `defs validate`, the startup
// that applies the folder and saveDestination, so all three say the same.
export function specProblems(data: unknown): SpecProblem[] {
  if (!validate(data)) return schemaProblems(validate.errors);
  const d = data as DestinationSpec;
  const out: SpecProblem[] = [];
  const at = (path: YamlPath, rule: string) => out.push({ path, atKey: false, rule });
  if ((d.url === undefined) === (d.url_env === undefined))
    at(['url'], 'exactly one of url and url_env is required');
  else if (d.url !== undefined) {
    const problem = literalUrlProblem(d.kind, d.url);
    if (problem) at(['url'], problem);
  }
  if (d.kind === 'webhook' && !d.secret_env)
    at(['secret_env'], 'is required for a webhook: payloads are signed with HMAC-SHA256');
  if (!d.audiences?.length && !d.traits?.length)
    at(['audiences'], 'list at least one audience or trait to send');
  if (d.kind === 'slack' && !d.audiences?.length)
    at(['audiences'], 'is required for slack: it announces audience entries and exits');
  if (d.kind === 'braze' && (d.batch_size ?? 0) > BRAZE_MAX_BATCH)
    at(['batch_size'], `must be at most ${BRAZE_MAX_BATCH} for braze (users/track limit)`);
  for (const [name, value] of Object.entries(d.headers ?? {})) {
    const problem =
      headerNameProblem(name) ??
      (typeof value === 'string'
        ? (headerValueProblem(value) ?? literalHeaderProblem(name, value))
        : null);
    if (problem)
      out.push({ path: ['headers', name], atKey: headerNameProblem(name) !== null, rule: problem });
  }
  const sent = new Set([...(d.traits ?? []), ...(d.identities ?? [])]);
  for (const key of Object.keys(d.mapping ?? {}))
    if (!sent.has(key))
      out.push({
        path: ['mapping', key],
        atKey: true,
        rule: 'maps a trait or identity not listed in traits or identities',
      });
  for (const [i, name] of (d.clear ?? []).entries())
    if (!sent.has(name))
      at(['clear', i], 'names a trait or identity not listed in traits or identities');
  const fields = new Map<string, string>();
  for (const name of sent) {
    const field = d.mapping?.[name] ?? name;
    const other = fields.get(field);
    if (other) at(['mapping', name], `field "${field}" is also the field of ${other}`);
    fields.set(field, name);
  }
  return out;
}

// "audiences[0]: is required" style details for the API's error shape.
export function problemDetails(
  problems: readonly SpecProblem[],
  prefix = 'config',
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of problems) {
    const path = p.path.reduce<string>(
      (s, seg) => (typeof seg === 'number' ? `${s}[${seg}]` : `${s}.${seg}`),
      prefix,
    );
    out[path] = p.rule;
  }
  return out;
}
