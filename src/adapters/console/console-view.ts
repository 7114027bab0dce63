import type { AppContext } from "../../app/app-context.js";
import { findStaff, type StaffMember } from "../../domain/school-directory.js";
import { ConsoleClock } from "./console-clock.js";
import type { ConsoleInbox } from "./console-inbox.js";
import { escapeHtml, notesAt, type RenderContext, renderPost } from "./render-message.js";
import { formatClock } from "./school-time.js";

export const CHANNELS = [
  { id: "approvals", about: "Requests with full details. Only approvers can decide." },
  { id: "visits", about: "A thread per visit on the day: replies and check-ins. Ids and initials only." },
  { id: "alerts", about: "Escalations that reach the alerts channel, and emergency packs." },
  { id: "records", about: "Restricted: completed Home Visit Forms, for the DSL and leaders." },
] as const;

const roleNames: Record<string, string> = {
  dsl: "DSL",
  deputy_dsl: "deputy DSL",
  headteacher: "headteacher",
  leadership_team: "leadership",
  office: "office",
  staff: "staff",
  senco: "SENCO",
  attendance_champion: "attendance champion",
};

export function rolesText(person: StaffMember): string {
  return person.roles.map((role) => roleNames[role] ?? role.replace(/_/g, " ")).join(", ");
}

export interface ClockView {
  now: string;
  text: string;
  speed: number;
  /** The page may change speed (a console clock, not production). */
  controllable: boolean;
  production: boolean;
  aheadMinutes: number;
}

export interface ConsoleState {
  as: string;
  version: string;
  clock: ClockView;
  /** Each pane's HTML, left out when `version` is what the page already has. */
  html?: Record<string, string>;
}

/** The first person a fresh page acts as: a member of staff who can request a visit. */
export function defaultPerson(ctx: AppContext): string {
  return (ctx.directory.staff.find((p) => p.roles.includes("staff")) ?? ctx.directory.staff[0])?.id ?? "";
}

export function clockView(ctx: AppContext, production: boolean): ClockView {
  const now = ctx.clock.now();
  const clock = ctx.clock instanceof ConsoleClock ? ctx.clock : null;
  return {
    now: now.toISOString(),
    text: formatClock(now, ctx.policy.school.timezone),
    speed: clock?.speed ?? 1,
    controllable: !!clock && clock.speedUpAllowed && !production,
    production,
    aheadMinutes: clock ? Math.max(0, Math.round(clock.aheadMs() / 60_000)) : 0,
  };
}

/** What the page shows for one person: the switcher, their DMs, the four channels, the clock controls. */
export function consoleState(
  ctx: AppContext,
  inbox: ConsoleInbox,
  asked: string | null,
  since: string | null,
  production: boolean,
): ConsoleState {
  const me = asked && findStaff(ctx.directory, asked) ? asked : defaultPerson(ctx);
  const clock = clockView(ctx, production);
  const version = `${inbox.version}.${me}.${clock.speed}.${clock.controllable}`;
  const state: ConsoleState = { as: me, version, clock };
  if (since === version) return state;
  const nameOf = (id: string) => findStaff(ctx.directory, id)?.name ?? id;
  const render: RenderContext = { timezone: ctx.policy.school.timezone, nameOf, me, notes: inbox.notesFor(me) };
  const html: Record<string, string> = {
    people: peoplePane(ctx, inbox, me),
    you: youPane(inbox, render),
    controls: controlsPane(clock),
  };
  for (const channel of CHANNELS) {
    const posts = inbox.channel(channel.id);
    html[channel.id] = posts.length
      ? posts.map((post) => renderPost(post, render, { replyBox: channel.id === "visits" })).join("")
      : `<p class="empty">No messages yet.</p>`;
  }
  state.html = html;
  return state;
}

function peoplePane(ctx: AppContext, inbox: ConsoleInbox, me: string): string {
  const buttons = ctx.directory.staff
    .map((person) => {
      const dms = inbox.dms(person.id).length;
      const badge = dms ? `<span class="badge" title="${dms} direct messages">${dms}</span>` : "";
      return `<button type="button" class="person${person.id === me ? " current" : ""}" data-as="${escapeHtml(person.id)}" aria-pressed="${person.id === me}"><span class="pname">${escapeHtml(person.name)}</span><span class="proles">${escapeHtml(rolesText(person))}</span>${badge}</button>`;
    })
    .join("");
  return `<span class="people-label">Act as</span>${buttons}`;
}

function youPane(inbox: ConsoleInbox, ctx: RenderContext): string {
  const posts = inbox.dms(ctx.me);
  const dms = posts.length
    ? posts.map((post) => renderPost(post, ctx)).join("")
    : `<p class="empty">No direct messages yet for ${escapeHtml(ctx.nameOf(ctx.me))}.</p>`;
  return `<div class="you-tools">
<div class="quick"><button type="button" class="btn btn-primary" data-command="/homevisit">New visit request</button><button type="button" class="btn" data-command="/homevisit status">My visits</button><button type="button" class="btn" data-command="/homevisit list">All open visits</button></div>
<form class="command-box"><input type="text" name="text" id="command-input" autocomplete="off" placeholder="/homevisit help · status · list · record HV-XXXXX" aria-label="Slash command"><button type="submit" class="btn">Run</button></form>
${notesAt(ctx, "you")}</div><div class="dm-list">${dms}</div>`;
}

function controlsPane(clock: ClockView): string {
  const tick = `<button type="button" class="btn" data-tick>Run timers now</button>`;
  if (clock.controllable) {
    const speeds = [1, 10, 60]
      .map(
        (s) =>
          `<button type="button" class="btn speed${s === clock.speed ? " current" : ""}" data-speed="${s}" aria-pressed="${s === clock.speed}">${s}×</button>`,
      )
      .join("");
    return `<span class="ctl-label">Speed</span><span class="speeds" role="group" aria-label="Clock speed">${speeds}</span>${tick}<button type="button" class="btn" data-skip title="Move school time forward to 10:00 on the next school day">Skip to next school day</button>`;
  }
  const why = clock.production
    ? "Real time: the clock cannot be changed in production."
    : "This clock is set by whoever started the app; it cannot be sped up here.";
  return `<span class="ctl-label">Speed 1×</span><span class="fixed">${escapeHtml(why)}</span>${tick}`;
}
