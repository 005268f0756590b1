import { relative } from 'node:path';
import type { DemoOutcome } from './demo-loader';
import { DEMO_DESTINATION, DEMO_WEBHOOK_AUDIENCE } from './demo-webhook';

// What left for the demo's webhook, and why: the data-flow ledger.
const ledgerQuery = (base: string) => [
  `  # what left for the webhook, and why (the data-flow ledger)`,
  `  curl -s ${base}/graphql -H "Authorization: Bearer $ADMIN" -H 'content-type: application/json' \\`,
  `    -d '{"query": "{ deliveryLog(destination: \\"${DEMO_DESTINATION}\\", first: 5) { profileId reason subject fields deliveredAt } }"}'`,
];

// The tour printed at the end of `traitbase demo`: where to look, the keys, and queries to try.
export function demoTour(o: DemoOutcome, url: string): string {
  const base = url.replace(/\/$/, '');
  const rel = (p: string) => relative(process.cwd(), p) || p;
  const profileQuery =
    '{ profile(identity: {type: \\"user_id\\", value: \\"p1001\\"}) { traits { name value status } audiences { slug } } }';
  const audiences = o.audiences.map((a) => `${a.slug} (${a.size ?? '?'} members)`).join(', ');
  const notebook = o.notebook.skipped
    ? `  churn notebook: not run — ${o.notebook.skipped}`
    : `  churn notebook: run ${o.notebook.runId} wrote churn_propensity (players active in the last 30 days)`;
  return [
    '',
    `Temple Dash, a demo mobile game studio, is ${o.changed ? 'loaded' : 'already loaded (nothing added)'} (${o.seconds.toFixed(1)}s):`,
    `  players: ${o.players} (p1001…p${1000 + o.players}) with device and geo context`,
    `  events: ${o.events.stored} Segment messages (installs, sessions, levels, store visits, purchases)`,
    `  dbt: model.game.player_stats synced from analytics.player_stats (invocation ${o.dbt.invocationId})`,
    notebook,
    `  audiences: ${audiences}`,
    o.webhook.destination
      ? `  activation: destination ${o.webhook.destination} sent ${o.webhook.delivered} record(s) of ${DEMO_WEBHOOK_AUDIENCE} to ${o.webhook.url}`
      : `  activation: no destination — ${o.webhook.skipped}`,
    '',
    'Look around',
    `  ops UI     ${base}/            sign in with the operator key below`,
    `  GraphiQL   ${base}/graphiql`,
    `  REST       ${base}/v1/profiles/user_id:p1001/traits?verbose=true`,
    '',
    `Keys${o.keysCreated.length ? ' (created now' : ' (reused'}; kept for re-runs in ${rel(o.dbt.manifest).replace(/dbt\/target\/manifest\.json$/, 'keys.json')})`,
    `  operator, scope admin                      ${o.keys.admin}`,
    `  game client, scopes ingest + profile:read  ${o.keys.game}`,
    '',
    'Queries to try',
    `  export ADMIN=${o.keys.admin} GAME=${o.keys.game}`,
    `  # the game client reads a player (no PII for profile:read)`,
    `  curl -s ${base}/graphql -H "Authorization: Bearer $GAME" -H 'content-type: application/json' \\`,
    `    -d '{"query": "${profileQuery}"}'`,
    `  # where a value came from: dbt model, invocation, run`,
    `  curl -s -H "Authorization: Bearer $ADMIN" '${base}/v1/profiles/user_id:p1001/traits?verbose=true'`,
    `  # who is in the funnel audience`,
    `  curl -s ${base}/graphql -H "Authorization: Bearer $ADMIN" -H 'content-type: application/json' \\`,
    `    -d '{"query": "{ audience(slug: \\"store_abandoners\\") { size members(first: 5) { nodes { profileId } } } }"}'`,
    `  # re-run a source and watch it (dbt, notebook, audience)`,
    `  npx traitbase run player_stats --wait`,
    `  npx traitbase run churn_propensity --wait`,
    `  # what dbt's CI step posts after \`dbt build\``,
    `  npx traitbase dbt notify ${rel(o.dbt.runResults)} --url ${base} --key $ADMIN`,
    ...(o.webhook.destination ? ledgerQuery(base) : []),
    '',
    'More: README.md (one example per persona), docs/architecture.md.',
  ].join('\n');
}
