import { initialsOf } from "../../domain/initials.js";
import { formatSchoolClock, formatSchoolDate, formatSchoolTime } from "../../domain/school-hours.js";
import { currentStop, hasStops, type Stop, stopCount, stopsOf } from "../../domain/stops.js";
import { type Visit, visitingStaff } from "../../domain/visit.js";
import type { Field } from "./neutral-message.js";

/** "HV-7K3QD (J.L.S.)": how a visit is named where pupil details must not appear. */
export function visitLabel(visit: Visit): string {
  return `${visit.id} (${initialsOf(visit.request.pupil.name)})`;
}

/** "Tue 24 Nov, 14:05" at the school. */
export function when(visit: Visit, at: Date | string): string {
  return formatSchoolTime(new Date(at), visit.policy.school.timezone);
}

/** "14:05" at the school: for times on the day of the visit. */
export function timeOf(visit: Visit, at: Date | string): string {
  return formatSchoolClock(new Date(at), visit.policy.school.timezone);
}

/** "Tue 24 Nov" at the school. */
export function dayOf(visit: Visit, at: Date | string): string {
  return formatSchoolDate(new Date(at), visit.policy.school.timezone);
}

export function staffNames(visit: Visit): string {
  const { lead, second } = visit.request;
  return second ? `${lead.name} and ${second.name}` : `${lead.name} (alone)`;
}

export function vehicleText(visit: Visit): string {
  const v = visit.request.vehicle;
  if (!v?.registration) return "not recorded";
  return [v.colour, v.make, v.model].filter(Boolean).join(" ") + `, registration ${v.registration}`;
}

export function purposeLabel(visit: Visit): string {
  return visit.policy.purposes.find((p) => p.id === visit.request.purposeId)?.label ?? visit.request.purposeId;
}

export function mobilesText(visit: Visit): string {
  const { lead, second } = visit.request;
  return [lead, second]
    .filter((person): person is NonNullable<typeof person> => !!person)
    .map((person) => `${person.name}: ${person.mobile}`)
    .join("\n");
}

/** Full details, for the approvers' channel and the emergency pack only. */
export function fullDetails(visit: Visit): Field[] {
  const r = visit.request;
  const risks = [r.risks.animals ? "animals" : "", r.risks.history ?? "", r.risks.area ?? ""].filter(Boolean).join("; ");
  return [
    { label: "Pupil", value: `${r.pupil.name}${r.pupil.misId ? ` (MIS ${r.pupil.misId})` : ""}` },
    { label: "Address", value: r.address },
    { label: "Purpose", value: purposeLabel(visit) },
    {
      label: "When",
      value: `${when(visit, r.plannedStart)} for ${r.durationMinutes} min, back by ${when(visit, r.expectedReturn)}`,
    },
    { label: "Staff", value: staffNames(visit) },
    { label: "Vehicle", value: vehicleText(visit) },
    { label: "Parents told", value: r.parentsTold ? "yes" : `no${r.parentNoticeException ? ` (${exceptionLabel(visit)})` : ""}` },
    { label: "Known risks", value: risks || "none recorded" },
    ...(r.outOfHoursJustification ? [{ label: "Why out of hours", value: r.outOfHoursJustification }] : []),
    ...(r.responsibleContact
      ? [{ label: "Responsible contact", value: `${r.responsibleContact.name}, ${r.responsibleContact.mobile}` }]
      : []),
    ...planField(visit),
  ];
}

/** A day of visits: every stop with its time, pupil and address (need-to-know places only). */
export function planField(visit: Visit): Field[] {
  if (!hasStops(visit)) return [];
  return [
    {
      label: `Plan: ${stopCount(visit)} homes`,
      value: stopsOf(visit)
        .map((stop) => planLine(visit, stop))
        .join("\n"),
    },
  ];
}

export function planLine(visit: Visit, stop: Stop): string {
  return `${stop.number}. ${stop.time ?? timeOf(visit, visit.request.plannedStart)} ${stop.pupil.name}, ${stop.address}`;
}

/** Where the pair are now: on a day of visits, the current stop's pupil and address, and which stop it is. */
export function whereNow(visit: Visit): Field[] {
  const stop = currentStop(visit);
  return [
    { label: "Address", value: stop.address },
    ...(hasStops(visit) ? [{ label: "Stop", value: `${stop.number} of ${stopCount(visit)}` }] : []),
  ];
}

/** A day of visits in the visits channel: stop numbers, times and initials, never names or addresses. */
export function planInitials(visit: Visit): string {
  return stopsOf(visit)
    .map((stop) => `${stop.number}) ${stop.time ?? timeOf(visit, visit.request.plannedStart)} ${initialsOf(stop.pupil.name)}`)
    .join(", ");
}

function exceptionLabel(visit: Visit): string {
  const id = visit.request.parentNoticeException;
  return visit.policy.parentNotice.exceptions.find((e) => e.id === id)?.label ?? id ?? "";
}

/** Everyone who should be @mentioned in the visit thread. */
export function pairMentions(visit: Visit): string[] {
  return visitingStaff(visit);
}
