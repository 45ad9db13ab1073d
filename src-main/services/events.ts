import type { ApiEvents, EventName } from '../../src-shared/api';

type Listener<E extends EventName> = (payload: ApiEvents[E]) => void;

/** Fan-out of contract events to whatever transports are attached (IPC windows, WebSocket clients). */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();

  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as Listener<E>)(payload);
      } catch (error) {
        console.error(`event listener for ${event} failed`, error);
      }
    }
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  /** Subscribes to every event (used by transports). */
  onAny(listener: <E extends EventName>(event: E, payload: ApiEvents[E]) => void): () => void {
    const offs = (['job', 'project', 'models'] as const).map((event) => this.on(event, (payload) => listener(event, payload)));
    return () => offs.forEach((off) => off());
  }
}
