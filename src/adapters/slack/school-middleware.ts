import type { App, Context } from "@slack/bolt";
import type { AppContext, SchoolResolver } from "../../app/ports.js";
import type { Inbound } from "../../domain/school-routing.js";

const KEY = "homevisitSchool";

/**
 * Before any handler runs, the request is given its school: from its channel, its sender and its
 * workspace (pickSchool). If the schools cannot be read (the database is down) it is the home
 * school's, whose handlers already say "could not record that" when the database fails them.
 */
export function routeToSchool(app: App, schools: SchoolResolver, home: AppContext): void {
  app.use(async ({ body, context, next }) => {
    context[KEY] = await schools.resolve(inboundOf(body as SlackBody)).catch(() => home);
    await next();
  });
}

/** The school the middleware chose for this request. */
export function schoolOf(context: Context, home: AppContext): AppContext {
  return (context[KEY] as AppContext | undefined) ?? home;
}

interface SlackBody {
  team_id?: string;
  team?: { id?: string } | null;
  channel_id?: string;
  channel?: { id?: string } | null;
  user_id?: string;
  user?: { id?: string; team_id?: string } | null;
  view?: { team_id?: string } | null;
  event?: { type?: string; channel?: string; user?: string; team?: string } | null;
}

/** Where a command, an event, a button press or a form submission came from. */
export function inboundOf(body: SlackBody): Inbound {
  const workspace = body.team_id ?? body.team?.id ?? body.event?.team ?? body.user?.team_id ?? body.view?.team_id;
  const channel = body.channel_id ?? body.channel?.id ?? body.event?.channel;
  const user = body.user_id ?? body.user?.id ?? body.event?.user;
  return {
    platform: "slack",
    ...(workspace ? { workspace } : {}),
    // A direct message's channel (D…) is nobody's school channel: the sender decides.
    ...(channel && !channel.startsWith("D") ? { channel } : {}),
    ...(user ? { user } : {}),
    ...(body.event?.type === "message" ? { message: true } : {}),
  };
}
