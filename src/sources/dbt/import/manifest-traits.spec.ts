import { dbtFixture } from '../../../../test/fixtures/dbt-fixtures';
import { readManifest } from '../artifacts/manifest';
import { traitsFromManifest } from './manifest-traits';

type Json = Record<string, any>;

const CUSTOMERS = 'model.jaffle_shop.customers';

function jaffle(): Json {
  return dbtFixture<Json>('jaffle_shop.manifest.json');
}

// The SPEC's shape: model meta says how to read it, column meta says which columns are traits.
function withTraitbase(m: Json, model: Json = {}, columns: Record<string, unknown> = {}): Json {
  const node = m.nodes[CUSTOMERS];
  node.meta = {
    traitbase: {
      identities: [{ column: 'customer_id', type: 'user_id' }],
      cursor: 'most_recent_order',
      ...model,
    },
  };
  for (const [name, meta] of Object.entries(columns)) node.columns[name].meta.traitbase = meta;
  return m;
}

describe('traitsFromManifest', () => {
  it('ignores a manifest whose models carry no traitbase meta', () => {
    const out = traitsFromManifest(readManifest(jaffle()));
    expect(out.specs).toEqual([]);
    expect(out.models).toEqual([]);
    expect(out.problems.empty).toBe(true);
  });

  it('maps column meta to trait specs with dbt descriptions, relation, lineage and tests', () => {
    const m = withTraitbase(
      jaffle(),
      { owner: 'analytics' },
      {
        number_of_orders: { trait: 'order_count', type: 'number' },
        customer_lifetime_value: {
          trait: 'lifetime_value',
          type: 'number',
          description: 'Purchases, USD',
          freshness: '2h',
        },
        first_name: { type: 'string', pii: true, exposure: ['admin'] },
      },
    );
    const out = traitsFromManifest(readManifest(m));
    expect(out.problems.lines()).toEqual([]);
    expect(out.models.map((x) => x.uniqueId)).toEqual([CUSTOMERS]);
    expect(out.models[0].tests).toEqual(
      expect.arrayContaining([
        'test.jaffle_shop.not_null_customers_customer_id.5c9bf9911d',
        'test.jaffle_shop.unique_customers_customer_id.c5af1ff4b1',
      ]),
    );
    const byName = Object.fromEntries(out.specs.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['first_name', 'lifetime_value', 'order_count']);
    expect(byName.order_count).toMatchObject({
      type: 'number',
      column: 'number_of_orders',
      description: 'Count of the number of orders a customer has placed',
      owner: 'analytics',
      pii: false,
      exposure: ['profile:read', 'profile:read:pii', 'admin'],
    });
    expect(byName.lifetime_value).toMatchObject({ description: 'Purchases, USD', freshness: '2h' });
    expect(byName.first_name).toMatchObject({
      pii: true,
      exposure: ['admin'],
      description: "Customer's first name. PII.",
    });
    expect(byName.order_count.source).toEqual({
      kind: 'dbt',
      model: CUSTOMERS,
      relation: '"jaffle_shop"."customers"',
      identities: [{ column: 'customer_id', type: 'user_id' }],
      cursor: 'most_recent_order',
      depends_on: [
        'model.jaffle_shop.stg_customers',
        'model.jaffle_shop.stg_orders',
        'model.jaffle_shop.stg_payments',
      ],
      exposures: [],
    });
  });

  it('reads config.meta as well as meta (config wins key by key)', () => {
    const m = jaffle();
    const node = m.nodes[CUSTOMERS];
    node.config.meta = {
      traitbase: {
        identities: [{ column: 'customer_id', type: 'user_id' }],
        relation: 'analytics.customers',
      },
    };
    node.columns.number_of_orders.config = {
      meta: { traitbase: { trait: 'order_count', type: 'number' } },
    };
    const out = traitsFromManifest(readManifest(m));
    expect(out.problems.lines()).toEqual([]);
    expect(out.specs.map((s) => [s.name, s.source.relation])).toEqual([
      ['order_count', 'analytics.customers'],
    ]);
  });

  it('takes the owner from the model group when meta names none', () => {
    const m = withTraitbase(
      jaffle(),
      {},
      { number_of_orders: { trait: 'order_count', type: 'number' } },
    );
    m.nodes[CUSTOMERS].group = 'finance';
    m.groups = {
      'group.jaffle_shop.finance': {
        name: 'finance',
        owner: { email: 'fin@example.com', name: null },
      },
    };
    expect(traitsFromManifest(readManifest(m)).specs[0].owner).toBe('fin@example.com');
  });

  it('records Postgres lineage to exposures', () => {
    const m = dbtFixture<Json>('postgres_exposure.manifest.json');
    m.nodes['model.test.my_model'].meta = {
      traitbase: { identities: [{ column: 'id', type: 'user_id' }] },
    };
    m.nodes['model.test.my_model'].columns.id.meta = {
      traitbase: { trait: 'legacy_id', type: 'number' },
    };
    const out = traitsFromManifest(readManifest(m));
    expect(out.problems.lines()).toEqual([]);
    expect(out.specs[0].source).toMatchObject({
      relation: '"test17594237163467600387_test_previous_version_state"."my_model"',
      exposures: ['exposure.test.simple_exposure'],
    });
  });

  it('lists every problem with its manifest path', () => {
    const m = withTraitbase(
      jaffle(),
      { cursr: 'x', schedule: 'every hour', pii: 'yes' },
      {
        number_of_orders: { trait: 'Order Count', type: 'integer' },
        first_name: { type: 'string', colour: 'red' },
        last_name: 'yes',
        customer_lifetime_value: { trait: 'email', type: 'number' },
      },
    );
    const lines = traitsFromManifest(readManifest(m)).problems.lines();
    const at = `nodes["${CUSTOMERS}"]`;
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${escape(at)}\\.meta\\.traitbase\\.cursr: unknown key`)),
        expect.stringMatching(
          new RegExp(`^${escape(at)}\\.meta\\.traitbase\\.schedule: must be a 5-field cron`),
        ),
        expect.stringMatching(
          new RegExp(`^${escape(at)}\\.meta\\.traitbase\\.pii: must be true or false`),
        ),
        expect.stringMatching(
          new RegExp(
            `^${escape(at)}\\.columns\\.number_of_orders\\.meta\\.traitbase\\.type: must be one of`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^${escape(at)}\\.columns\\.first_name\\.meta\\.traitbase\\.colour: unknown key`,
          ),
        ),
        expect.stringMatching(
          new RegExp(`^${escape(at)}\\.columns\\.last_name\\.meta\\.traitbase: must be a mapping`),
        ),
        expect.stringMatching(
          new RegExp(
            `^${escape(at)}\\.columns\\.customer_lifetime_value\\.meta\\.traitbase\\.trait: "email" is reserved`,
          ),
        ),
      ]),
    );
  });

  it('requires identities and at least one trait column, and rejects duplicate trait names', () => {
    const m = jaffle();
    m.nodes[CUSTOMERS].meta = { traitbase: { cursor: 'most_recent_order' } };
    m.nodes['model.jaffle_shop.orders'].meta = {
      traitbase: { identities: [{ column: 'customer_id', type: 'user_id' }] },
    };
    m.nodes['model.jaffle_shop.orders'].columns.amount.meta = {
      traitbase: { trait: 'spend', type: 'number' },
    };
    m.nodes[CUSTOMERS].columns.customer_lifetime_value.meta = {
      traitbase: { trait: 'spend', type: 'number' },
    };
    const lines = traitsFromManifest(readManifest(m)).problems.lines();
    expect(lines).toEqual(
      expect.arrayContaining([
        `nodes["${CUSTOMERS}"].meta.traitbase.identities: is required`,
        expect.stringMatching(
          /columns\.amount\.meta\.traitbase\.trait: trait "spend" is already declared at/,
        ),
      ]),
    );
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
