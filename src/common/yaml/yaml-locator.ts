import { Document, isMap, isScalar, isSeq, LineCounter, Node } from 'yaml';
import type { YamlPath } from './yaml-issue';

export interface Position {
  line: number;
  col: number;
}

// Finds where a path points in the source text: the value's node, or with `key` the key of its
// last segment. A path into something absent stops at the deepest node that exists.
export class YamlLocator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  at(path: YamlPath, options: { key?: boolean } = {}): Position {
    let node: unknown = this.doc.contents;
    let found = this.position(node);
    for (const [i, seg] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        const keyAt = this.position(pair.key) ?? found;
        if (options.key && i === path.length - 1 && keyAt) return keyAt;
        node = pair.value;
        found = this.position(node) ?? keyAt;
      } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
        node = node.items[seg];
        found = this.position(node) ?? found;
      } else {
        break;
      }
    }
    return found ?? { line: 1, col: 1 };
  }

  private position(node: unknown): Position | undefined {
    const range = (node as Node | null)?.range;
    return range ? this.lines.linePos(range[0]) : undefined;
  }
}
