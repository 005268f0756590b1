import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../api-keys/public.decorator';
import { registry } from './metrics';

@Controller('metrics')
export class MetricsController {
  // Counters and timings only (no identities, no keys), for the scraper.
  @Get()
  @Public()
  @Header('Content-Type', registry.contentType)
  metrics(): Promise<string> {
    return registry.metrics();
  }
}
