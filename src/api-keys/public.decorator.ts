import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'traitbase:public';

// Marks a handler that needs no API key at all (health, metrics, the web UI's static assets).
export const Public = () => SetMetadata(IS_PUBLIC, true);
