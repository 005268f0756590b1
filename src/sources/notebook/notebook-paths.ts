import { dirname, resolve } from 'node:path';
import { Confined, confinedPath } from '../../common/paths/confined-path';
import type { AppConfig } from '../../config/configuration';

// Notebook paths in definitions are relative to the parent of TRAIT_DEFINITIONS_DIR, which is the
// repository root in the standard layout (./trait-definitions next to ./notebooks), and must stay
// inside it: no `..` out of it, no absolute path elsewhere, no symbolic link pointing out.
export function resolveNotebookPath(config: AppConfig, notebook: string): Confined {
  const root = dirname(resolve(config.traitDefinitionsDir));
  return confinedPath(root, notebook, 'the project folder (the parent of TRAIT_DEFINITIONS_DIR)');
}

// The warehouse DSN with every transaction read-only by default (libpq `options`), for the notebook.
// A role with SELECT only is the hard guarantee; this keeps an honest notebook from writing by mistake.
export function readOnlyDsn(url: string): string {
  const parsed = new URL(url);
  const existing = parsed.searchParams.get('options');
  parsed.searchParams.delete('options');
  const options = [existing, '-c default_transaction_read_only=on'].filter(Boolean).join(' ');
  const query = parsed.searchParams.toString();
  parsed.search = '';
  return `${parsed.toString()}?${query ? `${query}&` : ''}options=${encodeURIComponent(options)}`;
}
