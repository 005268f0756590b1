// What a profile lookup resolves to; field resolvers and REST read traits relative to asOf.
export interface ProfileRef {
  id: string;
  revision: number;
  asOf: Date | null;
}
