import { gql } from '../utils/graphql-request';
import type { TestApp } from '../utils/test-app';

export const SAVE_DESTINATION = `mutation D($input: SaveDestinationInput!) {
  saveDestination(input: $input) { slug name kind origin audiences traits mode pending dead config }
}`;

export const DATA_FLOW = `query F($identity: IdentityInput!) {
  dataFlow(identity: $identity) { destination profileId deliveryId reason subject fields runId responseStatus deliveredAt }
}`;

export async function saveDestination(
  t: TestApp,
  slug: string,
  config: Record<string, unknown>,
  key = t.adminKey,
): Promise<any> {
  return gql(t.url, SAVE_DESTINATION, { input: { slug, config } }, key);
}

export function ask(
  t: TestApp,
  query: string,
  variables: Record<string, unknown>,
  key = t.adminKey,
): Promise<any> {
  return gql(t.url, query, variables, key);
}
