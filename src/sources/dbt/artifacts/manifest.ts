import { isRecord, JsonRecord, recordAt, stringAt, stringsAt } from './json-guards';
import { postgresRelation } from './relation-name';
import { artifactVersion } from './schema-version';

export interface ManifestColumn {
  name: string;
  description: string | null;
  // meta.traitbase merged with config.meta.traitbase (dbt ≥ 1.10 moves meta under config).
  traitbase: unknown;
}

export interface ManifestModel {
  uniqueId: string;
  name: string;
  // Where problems are reported: nodes["model.pkg.name"].
  path: string;
  relation: string | null;
  checksum: string | null;
  description: string | null;
  dependsOn: string[];
  tests: string[];
  exposures: string[];
  owner: string | null;
  traitbase: unknown;
  columns: ManifestColumn[];
}

export interface Manifest {
  schemaVersion: number;
  dbtVersion: string | null;
  invocationId: string | null;
  projectName: string | null;
  models: ManifestModel[];
}

// meta and config.meta are both read; config.meta wins key by key (it is what dbt ≥ 1.10 writes).
export function traitbaseMeta(node: JsonRecord): unknown {
  const a = recordAt(node.meta).traitbase;
  const b = recordAt(recordAt(node.config).meta).traitbase;
  if (a === undefined) return b;
  if (b === undefined) return a;
  return isRecord(a) && isRecord(b) ? { ...a, ...b } : b;
}

function testsByModel(nodes: JsonRecord): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [id, raw] of Object.entries(nodes)) {
    const node = recordAt(raw);
    if (node.resource_type !== 'test') continue;
    // attached_node names the model a generic test is defined on; older artifacts only list deps.
    const attached = stringAt(node.attached_node);
    const models = attached
      ? [attached]
      : stringsAt(recordAt(node.depends_on).nodes).filter((n) => n.startsWith('model.'));
    for (const model of models) out.set(model, [...(out.get(model) ?? []), id]);
  }
  return out;
}

function exposuresByModel(exposures: JsonRecord): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [id, raw] of Object.entries(exposures)) {
    for (const node of stringsAt(recordAt(recordAt(raw).depends_on).nodes)) {
      out.set(node, [...(out.get(node) ?? []), id]);
    }
  }
  return out;
}

// Owner of a model: meta.owner, else the owner of its dbt group (name, else email).
function ownerOf(node: JsonRecord, groups: JsonRecord): string | null {
  const metaOwner =
    stringAt(recordAt(node.meta).owner) ?? stringAt(recordAt(recordAt(node.config).meta).owner);
  if (metaOwner) return metaOwner;
  const group = stringAt(node.group) ?? stringAt(recordAt(node.config).group);
  if (!group) return null;
  const found = Object.values(groups)
    .map(recordAt)
    .find((g) => g.name === group);
  const owner = recordAt(found?.owner);
  return stringAt(owner.name) ?? stringAt(owner.email);
}

function columnsOf(node: JsonRecord): ManifestColumn[] {
  return Object.entries(recordAt(node.columns)).map(([key, raw]) => {
    const col = recordAt(raw);
    return {
      name: stringAt(col.name) ?? key,
      description: stringAt(col.description),
      traitbase: traitbaseMeta(col),
    };
  });
}

function relationOf(node: JsonRecord): string | null {
  const named = stringAt(node.relation_name);
  if (named) return postgresRelation(named);
  const schema = stringAt(node.schema);
  const table = stringAt(node.alias) ?? stringAt(node.name);
  return schema && table ? postgresRelation(`"${schema}"."${table}"`) : null;
}

// Reads the parts of a manifest.json that trait registration needs, checking the schema version
// first and every field's shape as it goes (a field of the wrong shape reads as absent).
export function readManifest(doc: unknown): Manifest {
  const schemaVersion = artifactVersion(doc, 'manifest');
  const root = recordAt(doc);
  const metadata = recordAt(root.metadata);
  const nodes = recordAt(root.nodes);
  const tests = testsByModel(nodes);
  const exposures = exposuresByModel(recordAt(root.exposures));
  const groups = recordAt(root.groups);
  const models: ManifestModel[] = [];
  for (const [id, raw] of Object.entries(nodes)) {
    const node = recordAt(raw);
    if (node.resource_type !== 'model' || recordAt(node.config).enabled === false) continue;
    models.push({
      uniqueId: stringAt(node.unique_id) ?? id,
      name: stringAt(node.name) ?? id.split('.').slice(2).join('.'),
      path: `nodes["${id}"]`,
      relation: relationOf(node),
      checksum: stringAt(recordAt(node.checksum).checksum),
      description: stringAt(node.description),
      dependsOn: stringsAt(recordAt(node.depends_on).nodes),
      tests: tests.get(id) ?? [],
      exposures: exposures.get(id) ?? [],
      owner: ownerOf(node, groups),
      traitbase: traitbaseMeta(node),
      columns: columnsOf(node),
    });
  }
  return {
    schemaVersion,
    dbtVersion: stringAt(metadata.dbt_version),
    invocationId: stringAt(metadata.invocation_id),
    projectName: stringAt(metadata.project_name),
    models,
  };
}
