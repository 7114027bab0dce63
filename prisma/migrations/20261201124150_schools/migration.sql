-- DropIndex
DROP INDEX "AuditEntry_at_idx";

-- DropIndex
DROP INDEX "Outbox_state_nextAttemptAt_idx";

-- DropIndex
DROP INDEX "Timer_state_dueAt_idx";

-- DropIndex
DROP INDEX "Visit_status_plannedStart_idx";

-- AlterTable
ALTER TABLE "AuditEntry" ADD COLUMN     "schoolId" TEXT NOT NULL DEFAULT 'default';

-- AlterTable
ALTER TABLE "ChannelBinding" DROP CONSTRAINT "ChannelBinding_pkey",
ADD COLUMN     "schoolId" TEXT NOT NULL DEFAULT 'default',
ADD CONSTRAINT "ChannelBinding_pkey" PRIMARY KEY ("schoolId", "platform", "role");

-- AlterTable
ALTER TABLE "DailyJobRun" DROP CONSTRAINT "DailyJobRun_pkey",
ADD COLUMN     "schoolId" TEXT NOT NULL DEFAULT 'default',
ADD CONSTRAINT "DailyJobRun_pkey" PRIMARY KEY ("job", "day", "schoolId");

-- AlterTable
ALTER TABLE "Outbox" ADD COLUMN     "schoolId" TEXT NOT NULL DEFAULT 'default';

-- AlterTable
ALTER TABLE "StaffDetails" DROP CONSTRAINT "StaffDetails_pkey",
ADD COLUMN     "schoolId" TEXT NOT NULL DEFAULT 'default',
ADD CONSTRAINT "StaffDetails_pkey" PRIMARY KEY ("schoolId", "staffId");

-- AlterTable
ALTER TABLE "ThreadLink" ADD COLUMN     "schoolId" TEXT NOT NULL DEFAULT 'default';

-- AlterTable
ALTER TABLE "Timer" ADD COLUMN     "schoolId" TEXT NOT NULL DEFAULT 'default';

-- AlterTable
ALTER TABLE "Visit" ADD COLUMN     "schoolId" TEXT NOT NULL DEFAULT 'default';

-- CreateTable
CREATE TABLE "School" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "directory" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "School_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SchoolPolicy" (
    "id" BIGSERIAL NOT NULL,
    "schoolId" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "checksum" TEXT NOT NULL,
    "policy" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SchoolPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SchoolPolicy_schoolId_id_idx" ON "SchoolPolicy"("schoolId", "id");

-- CreateIndex
CREATE INDEX "AuditEntry_schoolId_at_idx" ON "AuditEntry"("schoolId", "at");

-- CreateIndex
CREATE INDEX "Outbox_schoolId_state_nextAttemptAt_idx" ON "Outbox"("schoolId", "state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Timer_schoolId_state_dueAt_idx" ON "Timer"("schoolId", "state", "dueAt");

-- CreateIndex
CREATE INDEX "Visit_schoolId_status_plannedStart_idx" ON "Visit"("schoolId", "status", "plannedStart");

-- AddForeignKey
ALTER TABLE "SchoolPolicy" ADD CONSTRAINT "SchoolPolicy_schoolId_fkey" FOREIGN KEY ("schoolId") REFERENCES "School"("id") ON DELETE CASCADE ON UPDATE CASCADE;
