import type { Config } from "../../config/load-config.js";
import type { Clock } from "../../domain/clock.js";

/** The speeds the console offers: real time, and fast enough to watch a ladder in a minute. */
export const CONSOLE_SPEEDS = [1, 10, 60] as const;
export type ConsoleSpeed = (typeof CONSOLE_SPEEDS)[number];

export class ClockRefused extends Error {
  override name = "ClockRefused";
}

/**
 * The app's clock while the console is on: real time multiplied by a speed the page can set.
 * Time only ever moves forward: changing the speed keeps the current school time, and going back
 * to 1× leaves the clock ahead of real time rather than jumping back. Refuses every change when
 * speed-up is not allowed (NODE_ENV=production), so there it is exactly the system clock.
 */
export class ConsoleClock implements Clock {
  private anchorReal: number;
  private anchorSchool: number;
  private currentSpeed: ConsoleSpeed = 1;

  constructor(
    readonly speedUpAllowed: boolean,
    private readonly realNow: () => number = Date.now,
  ) {
    this.anchorReal = realNow();
    this.anchorSchool = this.anchorReal;
  }

  now(): Date {
    return new Date(this.anchorSchool + (this.realNow() - this.anchorReal) * this.currentSpeed);
  }

  get speed(): ConsoleSpeed {
    return this.currentSpeed;
  }

  /** How far school time has run ahead of real time, in ms. */
  aheadMs(): number {
    return this.now().getTime() - this.realNow();
  }

  setSpeed(speed: number): void {
    if (!this.speedUpAllowed) throw new ClockRefused("The clock cannot be changed in production.");
    const allowed = CONSOLE_SPEEDS.find((s) => s === speed);
    if (allowed === undefined) throw new ClockRefused(`Speed must be one of ${CONSOLE_SPEEDS.join(", ")}.`);
    this.reanchor(this.now().getTime());
    this.currentSpeed = allowed;
  }

  /** Moves school time forward to `at` (never back: timers already due stay due). */
  skipTo(at: Date): void {
    if (!this.speedUpAllowed) throw new ClockRefused("The clock cannot be changed in production.");
    const now = this.now().getTime();
    if (at.getTime() <= now) throw new ClockRefused("The console's clock only moves forward.");
    this.reanchor(at.getTime());
  }

  private reanchor(school: number): void {
    this.anchorReal = this.realNow();
    this.anchorSchool = school;
  }
}

/** The clock main.ts gives the app when the console is on; fixed to real time in production. */
export function createConsoleClock(config: Pick<Config, "nodeEnv">): ConsoleClock {
  return new ConsoleClock(config.nodeEnv !== "production");
}
