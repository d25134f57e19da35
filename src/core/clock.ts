/**
 * Time is injected so rules and tests can fix "now". Business dates (filing
 * validity, the settlement month) are calendar dates in Asia/Shanghai, whatever
 * the server's time zone.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date | string): Clock & { set(d: Date | string): void } {
  let t = new Date(at);
  return { now: () => new Date(t), set: (d) => (t = new Date(d)) };
}

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000; // China has no daylight saving time.

/** `yyyy-MM-dd` of the instant in Asia/Shanghai. */
export function businessDate(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** `yyyy-MM` of the instant in Asia/Shanghai. */
export function businessMonth(at: Date): string {
  return businessDate(at).slice(0, 7);
}

/** `yyyy-MM-dd HH:mm:ss` in Asia/Shanghai, as the HIS interface writes times. */
export function shanghaiDateTime(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

export function today(clock: Clock): string {
  return businessDate(clock.now());
}
