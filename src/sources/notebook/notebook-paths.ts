import { dirname, isAbsolute, resolve } from 'node:path';
import type { AppConfig } from '../../config/configuration';

// Notebook paths in definitions are relative to the parent of TRAIT_DEFINITIONS_DIR, which is the
// repository root in the standard layout (./trait-definitions next to ./notebooks).
export function resolveNotebookPath(config: AppConfig, notebook: string): string {
  return isAbsolute(notebook)
    ? notebook
    : resolve(dirname(resolve(config.traitDefinitionsDir)), notebook);
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
