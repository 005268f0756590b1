import { Global, Module } from '@nestjs/common';
import { AppConfig } from './configuration';

export const APP_CONFIG = Symbol('APP_CONFIG');

// The validated config is built once in main.ts (or a test) and handed in here.
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig) {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
