// The API key lives for the browser session only (sessionStorage: gone when the tab closes).
const STORAGE_KEY = 'traitbase.apiKey';

export const session = {
  read: (): string | null => sessionStorage.getItem(STORAGE_KEY),
  write: (apiKey: string): void => sessionStorage.setItem(STORAGE_KEY, apiKey),
  clear: (): void => sessionStorage.removeItem(STORAGE_KEY),
};
