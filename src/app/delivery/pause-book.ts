import type { Platform } from "../../domain/school-directory.js";
import type { AppContext } from "../app-context.js";
import type { DeliveryOperation } from "../outbox-port.js";

/**
 * Retry-After, for the whole platform: once a 429 says wait, no call of that operation (Slack's
 * chat.postMessage, chat.update; Teams' send, update) leaves this instance before then, and the
 * pause is written to the database so the other instances' claims skip those rows too.
 */
export class PauseBook {
  private readonly local = new Map<string, Date>();

  constructor(private readonly ctx: AppContext) {}

  until(platform: Platform, operation: DeliveryOperation): Date | null {
    const until = this.local.get(`${platform}:${operation}`);
    if (!until) return null;
    if (until.getTime() <= this.ctx.clock.now().getTime()) {
      this.local.delete(`${platform}:${operation}`);
      return null;
    }
    return until;
  }

  async pause(platform: Platform, operation: DeliveryOperation, until: Date, method?: string): Promise<void> {
    const key = `${platform}:${operation}`;
    const known = this.local.get(key);
    if (!known || known < until) this.local.set(key, until);
    const seconds = Math.round((until.getTime() - this.ctx.clock.now().getTime()) / 1000);
    this.ctx.log.warn(`${platform} rate limit: no ${method ?? operation} calls for ${seconds} s (Retry-After)`);
    await this.ctx.store
      .pausePlatform(platform, operation, until, `429 on ${method ?? operation}`)
      .catch((error: unknown) =>
        this.ctx.log.warn(`could not record the ${platform} rate limit for other instances`, { err: error }),
      );
  }
}
