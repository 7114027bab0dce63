-- AlterTable
ALTER TABLE "Outbox" ADD COLUMN     "claimedBy" TEXT;

-- CreateTable
CREATE TABLE "PlatformPause" (
    "platform" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT,

    CONSTRAINT "PlatformPause_pkey" PRIMARY KEY ("platform","operation")
);

-- CreateTable
CREATE TABLE "DailyJobRun" (
    "job" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "instance" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "DailyJobRun_pkey" PRIMARY KEY ("job","day")
);
