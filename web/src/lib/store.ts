// A minimal observable value: sessions keep their state in one, components
// read it with useStore and re-render when it changes.
import { useEffect, useReducer } from 'preact/hooks';

export interface Store<T> {
  get(): T;
  /** Replaces the value (or derives it from the current one) and notifies. */
  set(next: T | ((current: T) => T)): void;
  subscribe(listener: (value: T) => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<(value: T) => void>();
  return {
    get: () => value,
    set(next) {
      const updated = typeof next === 'function' ? (next as (current: T) => T)(value) : next;
      if (Object.is(updated, value)) return;
      value = updated;
      for (const listener of [...listeners]) listener(value);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/** The store's current value; the component re-renders on every change. */
export function useStore<T>(store: Store<T>): T {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const value = store.get();
  useEffect(() => {
    const unsubscribe = store.subscribe(() => rerender(undefined));
    // A change between render and subscription would otherwise be missed.
    if (!Object.is(store.get(), value)) rerender(undefined);
    return unsubscribe;
  }, [store]);
  return value;
}
