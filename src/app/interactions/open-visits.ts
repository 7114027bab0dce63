import { matchesCodeWord } from "../../domain/code-word.js";
import type { Platform } from "../../domain/school-directory.js";
import { type Actor, isOnVisit, type Visit } from "../../domain/visit.js";
import { notStarted, openStatuses, staffAway } from "../../domain/visit-lifecycle.js";
import type { AppContext } from "../ports.js";

const HOUR = 3600_000;

export interface OpenVisits {
  /** Visits they may be out on now: approved for today, under way, or cancelled while they were out. */
  running: Visit[];
  /** Visits they came back from in the last 12 hours: the code word and a call for help still count. */
  recent: Visit[];
  /** Approved visits further off (later today, another day): their code word counts too, typed anywhere. */
  later: Visit[];
}

/** Every visit whose code word, or a call for help, a message from this person may be. */
export function alarmCandidates(open: OpenVisits): Visit[] {
  return [...open.running, ...open.recent, ...open.later];
}

/** The visits a message from one of the pair can be about. */
export async function openVisitsOf(ctx: AppContext, actor: Actor): Promise<OpenVisits> {
  const now = ctx.clock.now().getTime();
  const visits = (await ctx.store.listVisits({ staffId: actor.staffId, statuses: openStatuses, limit: 50 })).filter((visit) =>
    isOnVisit(visit, actor.staffId),
  );
  const today = (visit: Visit) =>
    visit.request.plannedStart.getTime() - 2 * HOUR <= now &&
    now <= new Date(visit.progress.expectedReturn).getTime() + 12 * HOUR;
  const running = visits.filter((visit) => staffAway(visit) || (notStarted(visit) && today(visit)));
  return {
    running,
    later: visits.filter((visit) => notStarted(visit) && !running.includes(visit)),
    recent: visits.filter(
      (visit) =>
        visit.status === "returned" && !!visit.progress.returnedAt && now - Date.parse(visit.progress.returnedAt) < 12 * HOUR,
    ),
  };
}

/** The visits whose code word this message contains. */
export async function visitsWithCodeWord(visits: readonly Visit[], actor: Actor, text: string): Promise<Visit[]> {
  const matches = await Promise.all(
    visits.map(
      async (visit) =>
        isOnVisit(visit, actor.staffId) && !!visit.codeWordHash && (await matchesCodeWord(text, visit.codeWordHash)),
    ),
  );
  return visits.filter((_, i) => matches[i]);
}

/** Whether a channel is the school's visits channel on this platform (configured or set up). */
export async function isVisitsChannel(ctx: AppContext, platform: Platform, channel: string): Promise<boolean> {
  if (platform === "console") return channel === "visits";
  const base = channel.split(";")[0];
  if (ctx.directory.channels.visits[platform] === base) return true;
  return (await ctx.store.getChannelBinding(platform, "visits"))?.channel === base;
}
