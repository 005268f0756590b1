import type { DestinationKind, DestinationSpec } from './destination-spec';

// Secrets come from the environment: a literal credential would be stored in the database (or in
// git) and returned by the API. Names are matched case-insensitively.
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);
const CREDENTIAL_WORD = /key|token|secret|signature|password|passwd|auth|credential|session/i;
// Query parameters that are credentials by their short names (Azure SAS `sig`, Azure Functions
// `code`), besides the words above (api_key, access_token, X-Amz-Signature, …).
const CREDENTIAL_PARAMS = new Set(['sig', 'code', 'pwd']);
// A value shaped like an Authorization header, whatever the header is called.
const AUTH_SCHEME = /^\s*(bearer|basic|token|digest)\s+\S/i;
// Hosts whose webhook URLs are themselves the secret.
const SECRET_URL_HOSTS = new Set(['hooks.slack.com']);

export const MASKED = '[hidden]';

function isCredentialName(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name.toLowerCase()) || CREDENTIAL_WORD.test(name);
}

export function literalHeaderProblem(name: string, value: string): string | null {
  if (isCredentialName(name))
    return 'is a credential header: give its value as {env: NAME}, never in clear';
  if (AUTH_SCHEME.test(value))
    return 'holds credentials (an authorization scheme): give its value as {env: NAME}, never in clear';
  return null;
}

export function literalUrlProblem(kind: DestinationKind, url: string): string | null {
  if (kind === 'slack')
    return 'is a secret for slack (whoever has an incoming-webhook URL can post): use url_env';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute http(s) URL';
  }
  if (parsed.username || parsed.password)
    return 'must not carry credentials (user:password@): use url_env';
  if (SECRET_URL_HOSTS.has(parsed.hostname))
    return 'is a secret (a Slack incoming-webhook URL): use url_env';
  const param = [...parsed.searchParams.keys()].find(
    (p) => isCredentialName(p) || CREDENTIAL_PARAMS.has(p.toLowerCase()),
  );
  if (param) return `must not carry credentials (query parameter ${param}): use url_env`;
  return null;
}

// A destination saved before literal credentials were refused may still hold some: API answers
// show them masked (delivery still uses them until the destination is saved again).
export function maskedSpec(spec: DestinationSpec): DestinationSpec {
  const out = { ...spec };
  if (spec.url !== undefined && literalUrlProblem(spec.kind, spec.url)) out.url = MASKED;
  if (spec.headers)
    out.headers = Object.fromEntries(
      Object.entries(spec.headers).map(([name, value]) => [
        name,
        typeof value === 'string' && literalHeaderProblem(name, value) ? MASKED : value,
      ]),
    );
  return out;
}
