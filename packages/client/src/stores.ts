/** The readable store contract (Svelte's): `subscribe(fn)` calls `fn` at once and on every change. */
export interface Readable<T> {
  subscribe(fn: (value: T) => void): () => void;
}

/** A store the SDK writes and users read. */
export class WritableStore<T> implements Readable<T> {
  #value: T;
  readonly #subs = new Set<(value: T) => void>();

  constructor(initial: T) {
    this.#value = initial;
  }

  get(): T {
    return this.#value;
  }

  set(value: T): void {
    this.#value = value;
    for (const fn of [...this.#subs]) fn(value);
  }

  update(fn: (value: T) => T): void {
    this.set(fn(this.#value));
  }

  subscribe(fn: (value: T) => void): () => void {
    this.#subs.add(fn);
    fn(this.#value);
    return () => {
      this.#subs.delete(fn);
    };
  }
}
