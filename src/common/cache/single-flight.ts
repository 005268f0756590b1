// One call per key at a time: whoever asks for a key while its call runs gets that call's promise.
export class SingleFlight<K, V> {
  private readonly running = new Map<K, Promise<V>>();

  run(key: K, call: () => Promise<V>): Promise<V> {
    const running = this.running.get(key);
    if (running) return running;
    const started = call().finally(() => {
      if (this.running.get(key) === started) this.running.delete(key);
    });
    this.running.set(key, started);
    return started;
  }

  has(key: K): boolean {
    return this.running.has(key);
  }

  // Calls running now are no longer shared: the next ask starts a new one.
  forget(): void {
    this.running.clear();
  }
}
