// How every identity transaction starts (src/database/transaction.ts runs it). Its statements read
// or move the rows of a few identities and profiles, a sliver of any table: index paths whatever
// the statistics say (a table not analyzed since it grew — autovacuum off or behind — otherwise
// gets scanned or hashed whole, call after call), and no JIT compilation (default row estimates
// make these statements look costly enough to compile, which then takes longer than running them).
export const IDENTITY_BEGIN = 'BEGIN; SET LOCAL enable_seqscan = off; SET LOCAL jit = off';
