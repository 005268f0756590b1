import { Module } from '@nestjs/common';
import { UiController } from './ui.controller';

// The ops UI (web/), served as static files at / (docs/ui.md).
@Module({ controllers: [UiController] })
export class UiModule {}
