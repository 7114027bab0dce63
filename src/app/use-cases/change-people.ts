import { ok, type Result } from "../../domain/domain-error.js";
import type { DirectoryChange, PeopleEvent } from "../../domain/role-changes.js";
import { type Directory, type Platform, staffWithRole } from "../../domain/school-directory.js";
import { directMessage } from "../attendance/reach-staff.js";
import { peopleChangeNotice } from "../messages/people-messages.js";
import type { AppContext } from "../ports.js";

/** Who made a change to the directory, as the audit trail names them. */
export interface ChangedBy {
  actorId: string;
  actor: string;
  platform: Platform | "system";
}

/**
 * Every change to who is in the school and who holds which role goes through here: decided on the
 * directory as stored (under its row lock), saved, seen by this instance at once, audited, and
 * shown to the DSL. Returns what changed; an empty list when nothing needed to.
 */
export async function changePeople(
  ctx: AppContext,
  by: ChangedBy,
  decide: (directory: Directory) => Result<DirectoryChange>,
  options: { tell?: (event: PeopleEvent) => boolean } = {},
): Promise<Result<PeopleEvent[]>> {
  const outcome = await ctx.store.schools.changeDirectory<{ decided: Result<DirectoryChange>; stored: Directory }>(
    ctx.store.school,
    (stored) => {
      const decided = decide(stored);
      const changed = decided.ok && decided.value.events.length > 0 ? decided.value.directory : null;
      return { directory: changed, result: { decided, stored } };
    },
  );
  const { decided, stored } = outcome;
  // Whatever happened, this instance now sees the directory as stored (another may have changed it).
  ctx.directory = decided.ok && decided.value.events.length > 0 ? decided.value.directory : stored;
  if (!decided.ok) return decided;
  const events = decided.value.events;
  if (events.length === 0) return ok(events);
  const now = ctx.clock.now();
  for (const event of events)
    await ctx.store.appendAudit({
      visitId: null,
      at: now,
      actorId: by.actorId,
      actor: by.actor,
      platform: by.platform,
      action: event.type,
      detail: { ...event },
    });
  const told = events.filter(options.tell ?? (() => true));
  const dsls = staffWithRole(ctx.directory, "dsl").filter((person) => person.id !== by.actorId);
  if (told.length > 0 && dsls.length > 0) {
    const notice = peopleChangeNotice(told, by.actor);
    const preferred = by.platform === "system" ? undefined : by.platform;
    await ctx.store.inTransaction((tx) =>
      tx.enqueue(
        dsls.map((dsl) => directMessage(ctx, dsl.id, notice, preferred)),
        now,
      ),
    );
    ctx.kick();
  }
  return ok(events);
}
