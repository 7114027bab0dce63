import type { Clock } from "../../src/domain/clock.js";

/** A clock tests move by hand: no sleeping, no flakiness. */
export class TestClock implements Clock {
  private current: Date;

  constructor(start: Date | string) {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  advanceMinutes(minutes: number): Date {
    this.current = new Date(this.current.getTime() + minutes * 60_000);
    return this.now();
  }

  set(at: Date | string): void {
    this.current = new Date(at);
  }
}

/** A Tuesday, 10:00 in London (GMT in November): inside every preset's school day. */
export const SCHOOL_MORNING = "2026-11-24T10:00:00.000Z";
