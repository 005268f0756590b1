// What the load generator and the probes send: a profile read over REST or GraphQL, one of
// `profiles` profiles (user_id:u<first>… in turn), or a one-row writeTraits.
export type ReadKind = 'rest' | 'graphql';

export interface ReadTarget {
  kind: ReadKind;
  url: string;
  authorization: string;
  // Profiles read in turn: user_id:u<first> … u<first + profiles - 1>.
  first: number;
  profiles: number;
}

export const GRAPHQL_PROFILE = `query P($value: String!) {
  profile(identity: { type: "user_id", value: $value }) { id traits { name value updatedAt } }
}`;

export const GRAPHQL_WRITE = `mutation W($input: WriteTraitsInput!) {
  writeTraits(input: $input) { accepted revisions unchanged rejected { index reason } }
}`;

export function restPath(n: number): string {
  return `/v1/profiles/user_id:u${n}/traits`;
}

export function graphqlBody(n: number): string {
  return JSON.stringify({ query: GRAPHQL_PROFILE, variables: { value: `u${n}` } });
}

export function writeBody(profile: number, trait: string, value: number): string {
  const rows = [{ identity: { type: 'user_id', value: `u${profile}` }, trait, value }];
  return JSON.stringify({ query: GRAPHQL_WRITE, variables: { input: { rows } } });
}

export function bearer(key: string): string {
  return `Bearer ${key}`;
}

// The i-th request of a read target: method, path, body.
export function readRequest(
  t: ReadTarget,
  i: number,
): { method: 'GET' | 'POST'; path: string; body?: string } {
  const n = t.first + (i % t.profiles);
  return t.kind === 'rest'
    ? { method: 'GET', path: restPath(n) }
    : { method: 'POST', path: '/graphql', body: graphqlBody(n) };
}
