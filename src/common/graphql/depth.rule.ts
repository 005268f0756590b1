import {
  FragmentDefinitionNode,
  GraphQLError,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';

export const MAX_QUERY_DEPTH = 10;

// How deep a selection set goes: each field or inline fragment is a level; a fragment spread adds
// its fragment's depth at the level it is spread (a cycle, which NoFragmentCycles reports, counts
// as too deep).
function depthOf(
  set: SelectionSetNode | undefined,
  context: ValidationContext,
  fragments: Map<string, number>,
  visiting: Set<string>,
): number {
  let max = 0;
  for (const sel of set?.selections ?? []) {
    if (sel.kind !== Kind.FRAGMENT_SPREAD) {
      max = Math.max(max, 1 + depthOf(sel.selectionSet, context, fragments, visiting));
      continue;
    }
    const name = sel.name.value;
    let depth = fragments.get(name);
    if (depth === undefined) {
      const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
      if (visiting.has(name)) depth = Infinity;
      else if (!fragment) depth = 0;
      else {
        visiting.add(name);
        depth = depthOf(fragment.selectionSet, context, fragments, visiting);
        visiting.delete(name);
        fragments.set(name, depth);
      }
    }
    max = Math.max(max, depth);
  }
  return max;
}

// Bounds how deep one operation may select (the field count is bounded by maxFieldsRule); the
// message is the one Mercurius gave before this rule replaced its queryDepth.
export function maxDepthRule(max = MAX_QUERY_DEPTH): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(node: OperationDefinitionNode) {
      const depth = depthOf(node.selectionSet, context, new Map(), new Set());
      if (depth > max) {
        const name = node.name?.value ?? 'unnamedQuery';
        context.reportError(
          new GraphQLError(
            `\`${name} query depth (${depth}) exceeds the query depth limit of ${max}\``,
          ),
        );
      }
    },
  });
}
