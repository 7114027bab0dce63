import { defineConfig } from "prisma/config";

// No datasource URL here: the app opens its own driver adapter (pg or PGlite)
// and applies migrations itself at start-up (src/persistence/apply-migrations.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
