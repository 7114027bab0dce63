-- CreateTable
CREATE TABLE "AttendancePupil" (
    "schoolId" TEXT NOT NULL DEFAULT 'default',
    "pupilId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "address" TEXT,
    "source" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AttendancePupil_pkey" PRIMARY KEY ("schoolId","pupilId")
);

-- CreateTable
CREATE TABLE "AttendanceDay" (
    "schoolId" TEXT NOT NULL DEFAULT 'default',
    "pupilId" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "am" TEXT,
    "pm" TEXT,
    "kind" TEXT NOT NULL,
    "importedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AttendanceDay_pkey" PRIMARY KEY ("schoolId","pupilId","day")
);

-- CreateTable
CREATE TABLE "AttendanceTrigger" (
    "id" TEXT NOT NULL,
    "schoolId" TEXT NOT NULL DEFAULT 'default',
    "pupilId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "episode" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'open',
    "firedAt" TIMESTAMPTZ(3) NOT NULL,
    "remindedOn" TEXT,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "visitId" TEXT,
    "dismissedAt" TIMESTAMPTZ(3),
    "dismissedBy" TEXT,
    "dismissReason" TEXT,

    CONSTRAINT "AttendanceTrigger_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgreementFollowUp" (
    "id" TEXT NOT NULL,
    "schoolId" TEXT NOT NULL DEFAULT 'default',
    "visitId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "agreement" TEXT NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "askedAt" TIMESTAMPTZ(3),
    "answeredAt" TIMESTAMPTZ(3),
    "answeredBy" TEXT,

    CONSTRAINT "AgreementFollowUp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttendanceSync" (
    "schoolId" TEXT NOT NULL DEFAULT 'default',
    "source" TEXT NOT NULL,
    "lastSyncedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AttendanceSync_pkey" PRIMARY KEY ("schoolId","source")
);

-- CreateIndex
CREATE INDEX "AttendanceTrigger_schoolId_state_idx" ON "AttendanceTrigger"("schoolId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "AttendanceTrigger_schoolId_pupilId_kind_episode_key" ON "AttendanceTrigger"("schoolId", "pupilId", "kind", "episode");

-- CreateIndex
CREATE INDEX "AgreementFollowUp_state_dueAt_idx" ON "AgreementFollowUp"("state", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "AgreementFollowUp_visitId_position_key" ON "AgreementFollowUp"("visitId", "position");
