// dbt's relation_name is adapter-quoted: "db"."schema"."table" (Postgres), `project`.`dataset`.`table`
// (BigQuery). The warehouse connection already selects the database, so only schema and table are
// kept, re-quoted for Postgres so their exact case survives.
export function postgresRelation(relationName: string): string | null {
  const parts: string[] = [];
  const re = /"((?:[^"]|"")*)"|`([^`]*)`|([^."`\s]+)/g;
  let rest = relationName.trim();
  while (rest.length > 0) {
    re.lastIndex = 0;
    const m = re.exec(rest);
    if (!m || m.index !== 0) return null;
    parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : (m[2] ?? m[3]));
    rest = rest.slice(m[0].length);
    if (rest.startsWith('.')) rest = rest.slice(1);
    else if (rest.length > 0) return null;
  }
  if (parts.length < 1 || parts.length > 3 || parts.some((p) => p === '')) return null;
  return parts.slice(-2).map(quoteIdent).join('.');
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
