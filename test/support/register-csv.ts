/** School days (Mon–Fri) from `start`, `count` of them, as YYYY-MM-DD. */
export function schoolDays(start: string, count: number): string[] {
  const days: string[] = [];
  const date = new Date(`${start}T12:00:00Z`);
  while (days.length < count) {
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(date.toISOString().slice(0, 10));
    date.setUTCDate(date.getUTCDate() + 1);
  }
  return days;
}

/** 24/11/2026, as UK exports write dates. */
export function ukDate(day: string): string {
  const [y, m, d] = day.split("-");
  return `${d}/${m}/${y}`;
}

export interface PupilRegister {
  upn: string;
  name: string;
  address?: string;
  /** Mark per day (both sessions), by YYYY-MM-DD; days not listed are present (/). */
  marks?: Record<string, string>;
}

/** A SIMS-style export: one row per pupil per session (UPN, Surname, Forename, Date, Session, Mark, Address). */
export function simsCsv(pupils: readonly PupilRegister[], days: readonly string[]): string {
  const lines = ["UPN,Surname,Forename,Date,Session,Mark,Address"];
  for (const pupil of pupils) {
    const [forename, ...rest] = pupil.name.split(" ");
    const address = pupil.address ? `"${pupil.address.replace(/"/g, '""')}"` : "";
    for (const day of days) {
      const mark = pupil.marks?.[day] ?? "/";
      for (const session of ["AM", "PM"])
        lines.push(`${pupil.upn},${rest.join(" ")},${forename},${ukDate(day)},${session},${mark},${address}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
