import type { CodegenConfig } from '@graphql-codegen/cli';

// Types for every operation in web/src, from the committed schema.gql. `npm run codegen` rewrites
// web/src/gql/; test/web-codegen.e2e-spec.ts fails while the committed copy is out of date.
const config: CodegenConfig = {
  schema: 'schema.gql',
  documents: ['web/src/**/*.{ts,tsx}', '!web/src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'web/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
        avoidOptionals: { field: true, inputValue: false, object: false },
      },
    },
  },
};

export default config;
