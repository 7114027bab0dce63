-- CreateTable
CREATE TABLE "AttendanceMonth" (
    "schoolId" TEXT NOT NULL DEFAULT 'default',
    "pupilId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "marks" TEXT NOT NULL,
    "importedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AttendanceMonth_pkey" PRIMARY KEY ("schoolId","pupilId","month")
);

-- The register kept so far, a row per pupil and month: a line per day, "07<TAB>am<TAB>pm<TAB>kind".
INSERT INTO "AttendanceMonth" ("schoolId", "pupilId", "month", "marks", "importedAt")
SELECT "schoolId", "pupilId", left("day", 7),
  string_agg(right("day", 2) || E'\t' || coalesce("am", '') || E'\t' || coalesce("pm", '') || E'\t' || "kind", E'\n' ORDER BY "day"),
  max("importedAt")
FROM "AttendanceDay"
GROUP BY "schoolId", "pupilId", left("day", 7);

-- DropTable
DROP TABLE "AttendanceDay";
