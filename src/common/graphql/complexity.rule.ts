import { GraphQLError, Kind, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';

export const MAX_FIELDS = 2000;

function countFields(set: SelectionSetNode, context: ValidationContext, budget: number, seen: Set<string>): number {
  let count = 0;
  for (const sel of set.selections) {
    if (count > budget) break;
    if (sel.kind === Kind.FIELD) {
      count += 1 + (sel.selectionSet ? countFields(sel.selectionSet, context, budget - count, seen) : 0);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      count += countFields(sel.selectionSet, context, budget - count, seen);
    } else {
      const fragment = context.getFragment(sel.name.value);
      if (!fragment || seen.has(sel.name.value)) continue; // cycles are reported by NoFragmentCycles
      count += countFields(fragment.selectionSet, context, budget - count, new Set([...seen, sel.name.value]));
    }
  }
  return count;
}

// Bounds the work one operation can ask for: every selected field counts, fragments counted each
// time they are spread. Depth is bounded separately by Mercurius' queryDepth.
export function maxFieldsRule(max = MAX_FIELDS): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(node) {
      const count = countFields(node.selectionSet, context, max, new Set());
      if (count > max) context.reportError(new GraphQLError(`query too complex: more than ${max} fields selected`, { nodes: [node] }));
    },
  });
}
