-- CreateTable
CREATE TABLE "AttendanceMonth" (
    "schoolId" TEXT NOT NULL DEFAULT 'default',
    "pupilId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "marks" JSONB NOT NULL,
    "importedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AttendanceMonth_pkey" PRIMARY KEY ("schoolId","pupilId","month")
);

-- The register kept so far, a row per pupil and month: {"07": [am, pm, kind]}.
INSERT INTO "AttendanceMonth" ("schoolId", "pupilId", "month", "marks", "importedAt")
SELECT "schoolId", "pupilId", left("day", 7), jsonb_object_agg(right("day", 2), jsonb_build_array("am", "pm", "kind")), max("importedAt")
FROM "AttendanceDay"
GROUP BY "schoolId", "pupilId", left("day", 7);

-- DropTable
DROP TABLE "AttendanceDay";
