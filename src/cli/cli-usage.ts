export const USAGE = `Usage: traitbase <command>

Trait definitions (folder: [dir], else TRAIT_DEFINITIONS_DIR, else ./trait-definitions)
  defs validate [dir]          check every file; exit 1 with file:line:col messages (no database)
  defs plan [dir] [--json]     what apply would do: new, changed (breaking or not), retired
  defs apply [dir] [--json]    write new definition versions; never deletes history

API keys
  keys create --name <name> --scope <scope> [--scope <scope> | --scope a,b]
              [--rate-limit <requests>/<window>] [--json]
                               create a key and print it once; --rate-limit 100/1s gives it a
                               limit of its own instead of RATE_LIMIT
  keys revoke <id-or-prefix>   revoke a key (its id, or the 10 characters after tb_)
  keys set-limit <id-or-prefix> <requests>/<window>|default
                               change a key's rate limit (default: back to RATE_LIMIT); servers
                               apply it within API_KEY_CACHE_MS
  keys list [--json]           list keys (never their secrets)

Runs
  run <source-or-trait> [--wait] [--timeout 30m] [--full-refresh] [--json]
                               run a dbt sync or a notebook now: a model's unique_id or name, a
                               notebook's path or name, or a trait one produces. The running
                               server's workers do the work; --wait shows its progress and prints
                               the run (exit 1 if it failed, or had not finished by the timeout)

Demo
  demo [--url <server>] [--json]
                               load a synthetic game studio into the running server (events over
                               HTTP, a dbt model, the churn notebook, two audiences) and print a
                               tour; idempotent (a second run adds nothing). Server: --url, else
                               TRAITBASE_URL, else http://localhost:$PORT

Database: DATABASE_URL and DATABASE_SCHEMA; when DATABASE_URL is unset, the embedded PostgreSQL
(started if needed). Pending migrations are applied first.
Exit codes: 0 ok, 1 invalid input or failure, 2 usage error.`;
