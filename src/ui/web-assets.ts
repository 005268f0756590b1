import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve, sep } from 'node:path';
import { confinedPath } from '../common/paths/confined-path';

// Where `vite build` writes the UI: dist/web beside the compiled server (dist/src/ui → dist/web);
// when the server runs from its TypeScript sources (tests), the same dist/web of the repository.
export function webAssetsDir(): string {
  const twoUp = resolve(__dirname, '..', '..');
  return basename(twoUp) === 'dist' ? join(twoUp, 'web') : join(twoUp, 'dist', 'web');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export interface WebAsset {
  body: Buffer;
  type: string;
  // Vite puts content-hashed files under assets/: cached for a year; everything else revalidates.
  immutable: boolean;
}

// The built file at a URL path, or undefined when there is none (never outside the assets folder).
export function readWebAsset(root: string, urlPath: string): WebAsset | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined; // malformed %-escape
  }
  const confined = confinedPath(root, `.${decoded}`);
  if (!confined.ok || confined.path === resolve(root)) return undefined;
  const file = confined.path;
  const type = TYPES[extname(file)];
  if (!type || !existsSync(file)) return undefined;
  return { body: readFileSync(file), type, immutable: file.startsWith(join(root, 'assets') + sep) };
}
