import { type Directory, findStaff } from "../../domain/school-directory.js";
import type { Visit } from "../../domain/visit.js";
import { visitLabel } from "../messages/visit-details.js";
import { notice } from "../messages/visit-messages.js";
import { resolveRecipients } from "../outbox/recipients.js";
import type { CriticalBacklog, OutgoingMessage, Target } from "../ports.js";

function describeTarget(target: Target, directory: Directory): string {
  if (target.kind === "channel") return `the ${target.role} channel`;
  if (target.kind === "visit_thread") return "the visit's thread";
  const person = findStaff(directory, target.staffId);
  return person ? `${person.name}${person.mobile ? ` (${person.mobile})` : ""}` : target.staffId;
}

const sameTarget = (a: Target, b: Target) => JSON.stringify(a) === JSON.stringify(b);

/**
 * "Could not reach …": to the office, the DSL and the alerts channel (never to whoever could not
 * be reached), so a person tries them another way while the ladder goes on.
 */
export function undeliveredMessages(visit: Visit, stuck: readonly CriticalBacklog[], directory: Directory): OutgoingMessage[] {
  const who = [...new Set(stuck.map((message) => describeTarget(message.target, directory)))].join(", ");
  const errors = stuck.map((message) => message.lastError ?? "").filter((error) => error && !error.startsWith("claimed by"));
  const why = [...new Set(errors)].join("; ");
  const text = `Home visit ${visitLabel(visit)}: homevisit could not reach ${who} on ${visit.platform}${why ? ` (${why})` : ""}. The escalation has moved on without them: please reach them another way.`;
  return resolveRecipients(visit, ["office", "dsl", "alerts"], directory)
    .filter((to) => !stuck.some((message) => sameTarget(message.target, to.target)))
    .map((to) => ({
      visitId: visit.id,
      platform: visit.platform,
      target: to.target,
      message: notice(text, "danger"),
      critical: false,
    }));
}
