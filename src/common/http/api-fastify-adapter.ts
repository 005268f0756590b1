import { FastifyAdapter } from '@nestjs/platform-fastify';

// Fastify under Nest, with one error handler: the API's own (set by limitAddresses in bootstrap),
// which answers everything Fastify raises before a route runs in the API's error shape. Nest
// would set a second one on the same instance at init, which Fastify chains and warns about
// (FSTWRN004) at every start; Nest's routes still answer through the exception filters.
export class ApiFastifyAdapter extends FastifyAdapter {
  override setErrorHandler(): ReturnType<FastifyAdapter['setErrorHandler']> {
    return this.getInstance();
  }
}
