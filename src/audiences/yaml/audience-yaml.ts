import { stringify } from 'yaml';
import type { AudienceEntity } from '../storage/audience.entity';

// An audience as a file of trait-definitions/audiences/ (the export the UI offers): commit it
// there and the audience becomes read-only in the API, versioned in git.
export function toAudienceYaml(a: AudienceEntity): string {
  const doc: Record<string, unknown> = { slug: a.slug, name: a.name };
  if (a.description) doc.description = a.description;
  if (a.owner) doc.owner = a.owner;
  if (a.schedule) doc.schedule = a.schedule;
  doc.rule = a.rule;
  const header = `# Audience ${a.slug}, version ${a.version}: membership is the trait audience:${a.slug}.\n`;
  return header + stringify(doc, { lineWidth: 0 });
}
