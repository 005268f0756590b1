import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { RequireScopes } from '../../../api-keys/require-scopes.decorator';
import { DbtTriggerService, NotifyOutcome } from './dbt-trigger.service';

// Called after `dbt build` / `dbt run` with its target/run_results.json as the body.
@Controller('v1/dbt')
export class DbtRunsController {
  constructor(private readonly trigger: DbtTriggerService) {}

  @Post('runs')
  @HttpCode(202)
  @RequireScopes('admin')
  notify(@Body() body: unknown): Promise<NotifyOutcome> {
    return this.trigger.notify(body);
  }
}
