import type { BindingStore, MessageRef } from "../../app/ports.js";
import { type ChannelRole, channelRoles, type Directory } from "../../domain/school-directory.js";
import { type InboundActivity, isPersonal, tenantOf } from "./inbound.js";

/**
 * What homevisit remembers about Teams conversations, in the store's channel bindings:
 * - a role ("approvals"…): { channel, serviceUrl, tenantId, source }, from install or `homevisit setup <role>`;
 * - a person ("user:<aadObjectId>"): { userId, conversation?, serviceUrl, tenantId, botId }, so
 *   direct messages reuse the 1:1 chat instead of opening a new one each time.
 */
export interface UserBinding {
  /** The person's Teams id (29:…), needed to open a 1:1 chat. */
  userId?: string;
  /** The bot's 1:1 conversation with them. */
  conversation?: string;
  serviceUrl?: string;
  tenantId?: string;
  botId?: string;
}

const P = "teams" as const;

export class TeamsBindings {
  constructor(
    private readonly store: BindingStore,
    /** Read at each use: the school's people and channels change while the app runs. */
    private readonly school: { readonly directory: Directory },
  ) {}

  role(role: ChannelRole): Promise<MessageRef | null> {
    return this.store.getChannelBinding(P, role);
  }

  async bindRole(role: ChannelRole, ref: { channel: string; serviceUrl?: string; tenantId?: string; source: string }) {
    await this.store.saveChannelBinding(P, role, compact({ ...ref, serviceUrl: trim(ref.serviceUrl) }));
  }

  async user(aadObjectId: string): Promise<UserBinding | null> {
    return (await this.store.getChannelBinding(P, `user:${aadObjectId}`)) as UserBinding | null;
  }

  async saveUser(aadObjectId: string, binding: UserBinding): Promise<void> {
    await this.store.saveChannelBinding(P, `user:${aadObjectId}`, compact({ ...binding, serviceUrl: trim(binding.serviceUrl) }));
  }

  /**
   * Learns from any activity a person sends: their Teams id, the service URL, and (in a 1:1 chat)
   * the conversation itself. Writes only when something changed.
   */
  async rememberSender(activity: InboundActivity): Promise<void> {
    const aad = activity.from.aadObjectId;
    if (!aad) return;
    const known = (await this.user(aad)) ?? {};
    const next: UserBinding = {
      ...known,
      userId: activity.from.id,
      serviceUrl: trim(activity.serviceUrl) ?? known.serviceUrl,
      tenantId: tenantOf(activity) ?? known.tenantId,
      botId: activity.recipient.id || known.botId,
      ...(isPersonal(activity) ? { conversation: activity.conversation.id } : {}),
    };
    if (JSON.stringify(compact({ ...next })) !== JSON.stringify(compact({ ...known }))) await this.saveUser(aad, next);
  }

  /**
   * The bot was added to a team: every role whose channel the directory names in this tenant now
   * knows the service URL to post to (Teams' service URL is regional, the same for all its teams).
   * An explicit `homevisit setup <role>` is never overwritten.
   */
  async rememberTeamInstall(activity: InboundActivity): Promise<ChannelRole[]> {
    const bound: ChannelRole[] = [];
    for (const role of channelRoles) {
      const channel = this.school.directory.channels[role].teams;
      if (!channel) continue;
      const existing = await this.role(role);
      if (existing?.source === "setup") continue;
      await this.bindRole(role, { channel, serviceUrl: activity.serviceUrl, tenantId: tenantOf(activity), source: "install" });
      bound.push(role);
    }
    return bound;
  }

  /** The service URL to reach a channel: its own binding's, else any this tenant has used. */
  async serviceUrlForChannel(channel: string): Promise<string | undefined> {
    let any: string | undefined;
    for (const role of channelRoles) {
      const ref = await this.role(role);
      if (ref?.channel === channel && ref.serviceUrl) return ref.serviceUrl;
      any ??= ref?.serviceUrl;
    }
    return any;
  }

  /** A tenant id and service URL learnt from any channel, for opening a chat with someone new. */
  async anyTenant(): Promise<{ tenantId?: string; serviceUrl?: string }> {
    for (const role of channelRoles) {
      const ref = await this.role(role);
      if (ref?.tenantId || ref?.serviceUrl) return { tenantId: ref.tenantId, serviceUrl: ref.serviceUrl };
    }
    return {};
  }
}

function compact<T extends object>(value: T): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === "string" && v !== "") out[key] = v;
  return out;
}

/** Service URLs are kept without a trailing slash (the SDK adds "/v3/…"). */
function trim(url: string | undefined): string | undefined {
  return url ? url.replace(/\/+$/, "") : undefined;
}
