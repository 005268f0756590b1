import { graphql } from '../gql';

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      name
      scopes
    }
  }
`);

export interface Viewer {
  name: string;
  scopes: string[];
  // What the pages ask of the key (the server lists implied scopes too).
  isAdmin: boolean;
  canReadPii: boolean;
  // Preview, save and archive audiences.
  canWriteAudiences: boolean;
}

export function toViewer(v: { name: string; scopes: string[] }): Viewer {
  return {
    ...v,
    isAdmin: v.scopes.includes('admin'),
    canReadPii: v.scopes.includes('profile:read:pii'),
    canWriteAudiences: v.scopes.includes('audience:write'),
  };
}
