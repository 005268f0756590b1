import { dirname } from 'node:path';

// The Nest adapter must run the app's own Fastify (package.json `overrides`): a nested older copy
// (5.11) bound an AsyncResource to every request with a body, which kept whole requests alive until
// a mark-compact and stalled GraphQL reads every few seconds (docs/benchmarks.md).
describe('Fastify', () => {
  it('is one copy: the one @nestjs/platform-fastify and @nestjs/mercurius load is the app’s', () => {
    const app = require.resolve('fastify');
    for (const pkg of ['@nestjs/platform-fastify', '@nestjs/mercurius']) {
      const from = dirname(require.resolve(`${pkg}/package.json`));
      expect(require.resolve('fastify', { paths: [from] })).toBe(app);
    }
  });
});
