import { GraphQLScalarType, Kind } from 'graphql';

// Each instant's text, once: cached profile reads answer the same Date objects (a value's
// updatedAt) to every request, and toISOString was ~3% of the CPU time of a GraphQL profile
// read. Dates are never mutated here after they are made.
const texts = new WeakMap<Date, string>();

function isoText(date: Date): string {
  let text = texts.get(date);
  if (text === undefined) texts.set(date, (text = date.toISOString()));
  return text;
}

// Nest's GraphQLISODateTime (same name, description, parsing and output), with the output of
// each Date kept. Every DateTime field uses it: implicit Date fields through buildSchemaOptions'
// scalarsMap (graphql.options.ts), explicit ones by name.
export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description:
    'A date-time string at UTC, such as 2019-12-03T09:54:33Z, compliant with the date-time format.',
  parseValue: (value) => new Date(value as string),
  serialize: (value) => (value instanceof Date ? isoText(value) : null),
  parseLiteral: (ast) => (ast.kind === Kind.STRING ? new Date(ast.value) : null),
});
