import { parseShardSignal } from './shard-signaller.service';

describe('parseShardSignal', () => {
  it('reads the sender and its shards, dropping what is not a shard', () => {
    expect(parseShardSignal('abc 3,17,x,-1,128,90')).toEqual({
      origin: 'abc',
      shards: [3, 17, 90],
    });
  });

  it('gives no shards for a message without any', () => {
    expect(parseShardSignal('abc')).toEqual({ origin: 'abc', shards: [] });
  });
});
