import type { School } from "../domain/school.js";
import { findStaffByPlatformId, type Platform } from "../domain/school-directory.js";
import { type Inbound, pickSchool, type SchoolPlaces, schoolsOfSender } from "../domain/school-routing.js";
import { openVisitsOf } from "./interactions/open-visits.js";
import type { AppContext, SchoolResolver } from "./ports.js";

/** What runs for one school beside its context: its outbox runner and its daily jobs. */
export interface SchoolRunning {
  kick(): void;
  /** Delivers whatever the school's outbox holds now. */
  flush(): Promise<void>;
  stop(deadline: number): Promise<void>;
}

/** How often another instance's changes (a new school, a channel set up, a role granted) are read. */
const REFRESH_MS = 5_000;

/**
 * Every school this deployment serves, each with its own context (its store sees only its rows,
 * its policy, its people) and its own outbox runner and jobs. A request is routed to its school
 * from where it came from (pickSchool); the safety tick runs every school's ladder side by side.
 */
export class SchoolRegistry {
  private readonly contexts = new Map<string, AppContext>();
  private readonly running = new Map<string, SchoolRunning>();
  private places: SchoolPlaces[] = [];
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | null = null;
  private starter: ((ctx: AppContext) => SchoolRunning) | null = null;

  constructor(
    /** The school this process was started for (SCHOOL_ID): a request no other school claims is its. */
    readonly home: AppContext,
  ) {
    home.schools = this;
    this.contexts.set(home.store.school, home);
  }

  /** From now on every school gets its runner and jobs (once the adapters that deliver exist). */
  async start(starter: (ctx: AppContext) => SchoolRunning): Promise<void> {
    this.starter = starter;
    await this.refresh();
    for (const ctx of this.contexts.values()) this.startSchool(ctx);
  }

  /** The school a request is for (another instance's changes within REFRESH_MS; this one's at once, `changed()`). */
  async resolve(inbound: Inbound): Promise<AppContext> {
    // Read once before the first request; after that, another instance's changes are read beside
    // the request rather than before it, so Slack's 3 s and every acknowledgement stay short.
    if (this.loadedAt === Number.NEGATIVE_INFINITY) await this.refresh();
    else void this.refreshIfStale().catch(() => undefined);
    // Each school's people as its context has them now: a role granted here counts at once.
    const live = this.places.map((place) => ({ ...place, directory: this.contexts.get(place.id)?.directory ?? place.directory }));
    const away = await this.schoolWhereAway(schoolsOfSender(live, inbound), inbound);
    if (away) return away;
    const id = pickSchool(live, inbound, this.home.store.school);
    return this.contexts.get(id) ?? this.home;
  }

  /**
   * Someone in several schools writing outside a school's channel (a DM, a 1:1 chat): the school
   * where they are out on a visit now, so their check-in or the code word reaches that visit.
   */
  private async schoolWhereAway(candidates: readonly string[], inbound: Inbound): Promise<AppContext | null> {
    for (const id of candidates) {
      const ctx = this.contexts.get(id);
      const person = ctx && inbound.user ? findStaffByPlatformId(ctx.directory, inbound.platform, inbound.user) : undefined;
      if (!ctx || !person) continue;
      const open = await openVisitsOf(ctx, { staffId: person.id, name: person.name, platform: inbound.platform });
      if (open.running.length > 0) return ctx;
    }
    return null;
  }

  /** A school by id (an install choosing its school, the CLI). */
  async get(id: string): Promise<AppContext | null> {
    await this.refreshIfStale();
    return this.contexts.get(id) ?? null;
  }

  workspacesOf(schoolId: string, platform: Platform): readonly string[] {
    const place = this.places.find((p) => p.id === schoolId);
    return place?.workspaces.filter((w) => w.platform === platform).map((w) => w.workspace) ?? [];
  }

  /** Asks a school's outbox to deliver now. */
  kick(schoolId: string): void {
    this.running.get(schoolId)?.kick();
  }

  kickAll(): void {
    for (const running of this.running.values()) running.kick();
  }

  async flushAll(): Promise<void> {
    await Promise.all([...this.running.values()].map((running) => running.flush()));
  }

  all(): AppContext[] {
    return [...this.contexts.values()];
  }

  /** Something about the schools changed here: read them again now. */
  async changed(): Promise<void> {
    // A read already under way may have started before the change: wait for it, then read again.
    await this.loading?.catch(() => undefined);
    this.loadedAt = Number.NEGATIVE_INFINITY;
    await this.refresh();
  }

  async refreshIfStale(): Promise<void> {
    // A cache's age, not a school time: the wall clock is right even when the app's clock is sped up.
    if (performance.now() - this.loadedAt < REFRESH_MS) return;
    await this.refresh();
  }

  /** Stops every school's runner and jobs, within the deadline. */
  async stop(deadline: number): Promise<void> {
    this.starter = null;
    await Promise.all([...this.running.values()].map((running) => running.stop(deadline)));
    this.running.clear();
  }

  private refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    const store = this.home.store;
    const [schools, places] = await Promise.all([store.schools.list(), store.schools.places()]);
    for (const school of schools) this.upsertContext(school);
    this.places = places.filter((place) => this.contexts.has(place.id));
    this.loadedAt = performance.now();
  }

  private upsertContext(school: School): void {
    const known = this.contexts.get(school.id);
    if (known) {
      // In place: adapters and runners hold this object, and see the new policy and people at once.
      known.policy = school.policy;
      known.directory = school.directory;
      return;
    }
    const home = this.home;
    const ctx: AppContext = {
      ...home,
      store: home.store.forSchool(school.id),
      policy: school.policy,
      directory: school.directory,
      log: home.log.child?.({ school: school.id }) ?? home.log,
      kick: () => this.kick(school.id),
    };
    this.contexts.set(school.id, ctx);
    this.startSchool(ctx);
  }

  private startSchool(ctx: AppContext): void {
    if (!this.starter || this.running.has(ctx.store.school)) return;
    this.running.set(ctx.store.school, this.starter(ctx));
  }
}

/** A resolver that knows one school only (an adapter started on its own, in tests). */
export function soleSchool(ctx: AppContext): SchoolResolver {
  return {
    resolve: async () => ctx,
    get: async (id) => (id === ctx.store.school ? ctx : null),
    all: () => [ctx],
    changed: async () => {},
    workspacesOf: () => [],
  };
}
