import { queuePrefix } from './queue.module';

// Redis Cluster's key slot: CRC16 (XMODEM) of the hash tag — the text between the first '{' and the
// next '}' when not empty — else of the whole key, modulo 16384.
function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function slotOf(key: string): number {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const tag = close > open + 1 ? key.slice(open + 1, close) : key;
  return crc16(tag) % 16384;
}

describe('queue prefixes on Redis Cluster', () => {
  const config = { databaseSchema: 'public' };

  it('computes key slots as Redis does', () => {
    expect(slotOf('123456789')).toBe(12739);
    expect(slotOf('{user1000}.following')).toBe(slotOf('{user1000}.followers'));
  });

  it("keeps each queue's keys in one slot", () => {
    for (const name of ['notebook', 'dbt', 'erasure']) {
      // BullMQ's keys: <prefix>:<queue>:<suffix>.
      const keys = ['wait', 'active', 'meta', 'id', 'events', 'stalled-check'].map(
        (suffix) => `${queuePrefix(config)}:${name}:${suffix}`,
      );
      expect(new Set(keys.map(slotOf)).size).toBe(1);
    }
  });
});
