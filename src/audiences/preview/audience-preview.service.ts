import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { inTransaction } from '../../database/transaction';
import { TraitRegistry } from '../../trait-definitions/trait-registry.service';
import { TraitReader } from '../../traits/trait-reader.service';
import type { CompileTarget } from '../compile/compile-target';
import { membersSql } from '../compile/membership-sql';
import { RuleCompiler } from '../compile/rule-compiler.service';
import { SqlParams } from '../compile/sql-params';
import { RuleChecker } from '../rule/rule-checker.service';
import { invalidRuleError, pointerOf } from '../rule/rule-fault';
import { AllGroup, AnyGroup, kindOf, Rule } from '../rule/rule.types';

// A preview answers within this time or not at all (every statement of it together), unless
// AUDIENCE_PREVIEW_TIMEOUT_MS says otherwise.
export const PREVIEW_TIMEOUT_MS = 10_000;
export const SAMPLE_SIZE = 10;

export interface PreviewGroup {
  // JSON pointer of the top-level group's member, e.g. /all/0; "" for a rule of one condition.
  pointer: string;
  size: number;
}

export interface SampleMember {
  profileId: string;
  // Non-PII traits that keys with profile:read may read, in force at the preview's time.
  traits: Record<string, unknown>;
}

export interface AudiencePreview {
  asOf: Date;
  size: number;
  groups: PreviewGroup[];
  sample: SampleMember[];
}

// The parts of a rule counted one by one: the members of its top-level all/any, else the rule.
function topGroups(rule: Rule): { pointer: string; rule: Rule }[] {
  const kind = kindOf(rule);
  if (kind === 'all' || kind === 'any') {
    const children = kind === 'all' ? (rule as AllGroup).all : (rule as AnyGroup).any;
    return children.map((r, i) => ({ pointer: pointerOf([kind, i]), rule: r }));
  }
  return [{ pointer: '', rule }];
}

// audiencePreview: what a rule would match, now or as of a past moment, without saving it — the
// same compiled SQL as evaluations, read-only, under a statement timeout.
@Injectable()
export class AudiencePreviewService {
  private readonly timeoutMs: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly checker: RuleChecker,
    private readonly compiler: RuleCompiler,
    private readonly reader: TraitReader,
    private readonly registry: TraitRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.timeoutMs = config.audiencePreviewTimeoutMs ?? PREVIEW_TIMEOUT_MS;
  }

  async preview(raw: unknown, asOf: Date | null): Promise<AudiencePreview> {
    const checked = await this.checker.check(raw);
    if (!checked.ok) throw invalidRuleError(checked.faults);
    const rule = checked.rule;
    const deadline = Date.now() + this.timeoutMs;
    const counted = await inTransaction(
      this.db,
      async (client) => {
        const at = asOf ?? (await client.query<{ now: Date }>('SELECT now() AS now')).rows[0].now;
        const target = await this.compiler.target(rule, { asOf: at, historical: asOf !== null });
        const ids = await this.members(client, rule, target, deadline);
        const groups = topGroups(rule);
        const counts =
          groups.length === 1 && groups[0].pointer === ''
            ? [{ pointer: '', size: ids.size }]
            : await this.groupCounts(client, groups, target, deadline);
        return { at, size: ids.size, sample: ids.sample, groups: counts };
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    ).catch((err: unknown) => timedOut(err, this.timeoutMs));
    return {
      asOf: counted.at,
      size: counted.size,
      groups: counted.groups,
      sample: await this.sample(counted.sample, asOf),
    };
  }

  private async members(
    client: PoolClient,
    rule: Rule,
    target: CompileTarget,
    deadline: number,
  ): Promise<{ size: number; sample: string[] }> {
    const params = new SqlParams();
    const sql = membersSql(rule, target, params);
    const limit = params.add(SAMPLE_SIZE, 'int');
    await budget(client, deadline);
    const { rows } = await client.query<{ id: string; size: number }>(
      `SELECT m.id, count(*) OVER ()::int AS size FROM (${sql}) m ORDER BY m.id LIMIT ${limit}`,
      params.values,
    );
    return { size: rows[0]?.size ?? 0, sample: rows.map((r) => r.id) };
  }

  private async groupCounts(
    client: PoolClient,
    groups: { pointer: string; rule: Rule }[],
    target: CompileTarget,
    deadline: number,
  ): Promise<PreviewGroup[]> {
    const out: PreviewGroup[] = [];
    for (const g of groups) {
      const params = new SqlParams();
      const sql = membersSql(g.rule, target, params);
      await budget(client, deadline);
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (${sql}) m`,
        params.values,
      );
      out.push({ pointer: g.pointer, size: rows[0].n });
    }
    return out;
  }

  private async sample(ids: string[], asOf: Date | null): Promise<SampleMember[]> {
    if (ids.length === 0) return [];
    const defs = await this.registry.byIdMap();
    const values = asOf
      ? await this.reader.valuesInForce(ids, asOf)
      : await this.reader.valuesOf(ids);
    const out = new Map<string, SampleMember>(ids.map((id) => [id, { profileId: id, traits: {} }]));
    for (const v of values) {
      const def = defs.get(v.traitId);
      const shown =
        def && !def.pii && def.exposure.includes('profile:read') && (asOf !== null || !def.retired);
      if (shown && v.value !== null) out.get(v.profileId)!.traits[def.name] = v.value;
    }
    return [...out.values()];
  }
}

// What is left of the preview's time, as this statement's timeout.
async function budget(client: PoolClient, deadline: number): Promise<void> {
  const left = Math.max(1, deadline - Date.now());
  await client.query(`SELECT set_config('statement_timeout', $1, true)`, [String(left)]);
}

function timedOut(err: unknown, timeoutMs: number): never {
  if ((err as { code?: string }).code === '57014') {
    const limit = timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`;
    throw new DomainError(
      ErrorCode.UNAVAILABLE,
      `rule: the preview took longer than ${limit}; narrow the rule or try again`,
    );
  }
  throw err;
}
