/**
 * Items that come one task at a time, handed over together: everything gathered by the time
 * the task after those already waiting runs (a MessageChannel's message, which a background
 * tab does not hold back as it does timers). On a busy page the tasks wait in line, so a
 * burst goes over as one.
 */
export interface Gathered<T> {
  add: (item: T) => void;
  /** Hands over what is gathered now (nothing: no call). */
  flush: () => void;
  /** Forgets what is gathered. */
  drop: () => void;
}

export function gathered<T>(handOver: (items: T[]) => void): Gathered<T> {
  let items: T[] = [];
  const flush = () => {
    if (items.length === 0) return;
    const taken = items;
    items = [];
    handOver(taken);
  };
  const add = (item: T) => {
    items.push(item);
    if (items.length > 1) return; // its hand-over is on its way
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      flush();
    };
    channel.port2.postMessage(null);
  };
  return { add, flush, drop: () => (items = []) };
}
