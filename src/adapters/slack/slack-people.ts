import type { App } from "@slack/bolt";
import { z } from "zod";
import type { GroupMention, Mention, PlatformPeople } from "../../app/people-port.js";
import type { AppContext } from "../../app/ports.js";
import { refreshGroups } from "../../app/use-cases/follow-groups.js";

type Client = App["client"];

const userSchema = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  real_name: z.string().nullish(),
  deleted: z.boolean().nullish(),
  is_bot: z.boolean().nullish(),
  profile: z
    .looseObject({ real_name: z.string().nullish(), display_name: z.string().nullish(), email: z.string().nullish() })
    .nullish(),
});
const groupSchema = z.looseObject({ id: z.string(), handle: z.string().nullish() });

/** What Slack's Web API says about people: users.info, usergroups.users.list, usergroups.list. */
export function slackPeople(client: Client): PlatformPeople {
  return {
    profile: async (userId) => {
      const answer = await client.users.info({ user: userId });
      const user = userSchema.safeParse(answer.user);
      if (!user.success || user.data.deleted || user.data.is_bot) return null;
      const u = user.data;
      const name = u.profile?.real_name || u.real_name || u.profile?.display_name || u.name || u.id;
      return { platform: "slack", userId: u.id, name, ...(u.profile?.email ? { email: u.profile.email } : {}) };
    },
    groupMembers: async (groupId) => {
      const answer = await client.usergroups.users.list({ usergroup: groupId });
      return z.array(z.string()).parse(answer.users ?? []);
    },
    findGroup: async (handle) => {
      const answer = await client.usergroups.list({});
      const groups = z.array(groupSchema).parse(answer.usergroups ?? []);
      const found = groups.find((g) => g.handle?.toLowerCase() === handle.replace(/^@/, "").toLowerCase());
      return found ? { id: found.id, handle: found.handle ?? handle } : null;
    },
  };
}

/**
 * Slack writes mentions in a command as `<@U123|ben>` (or `<@U123>`) and user groups as
 * `<!subteam^S0123|@dsl-team>`: they become mentions, and the words are what is left. The bot's own
 * mention is not one of them.
 */
export function readMentions(
  text: string,
  people: PlatformPeople,
  botUserId?: string,
): { words: string; mentions: Mention[]; groups: GroupMention[] } {
  const mentions: Mention[] = [];
  const groups: GroupMention[] = [];
  const words = text
    .replace(/<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g, (_all, id: string, name?: string) => {
      if (id !== botUserId) mentions.push({ userId: id, ...(name ? { name } : {}), profile: () => people.profile(id) });
      return " ";
    })
    .replace(/<!subteam\^([A-Z0-9]+)(?:\|@?([^>]*))?>/g, (_all, id: string, handle?: string) => {
      groups.push({ id, handle: handle ?? id });
      return " ";
    })
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
  return { words, mentions, groups };
}

/** Roles bound to Slack user groups are read again this often (and at once on `admin bind` or `admin sync`). */
const GROUP_REFRESH_MS = 10 * 60_000;

/**
 * Follows the bound user groups on a timer. Returns its stop. Nothing is read while no role is
 * bound to a group; a failed read is logged and tried again next time.
 */
export function followSlackGroups(client: Client, schools: () => readonly AppContext[], everyMs = GROUP_REFRESH_MS): () => void {
  const people = slackPeople(client);
  let running = false;
  const timer = setInterval(() => {
    const bound = schools().filter((ctx) => ctx.directory.groups.length > 0);
    if (running || bound.length === 0) return;
    running = true;
    void Promise.all(
      bound.map((ctx) =>
        refreshGroups(ctx, people).catch((error: unknown) =>
          ctx.log.warn("slack: following user groups failed", { error: String(error) }),
        ),
      ),
    ).finally(() => {
      running = false;
    });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
