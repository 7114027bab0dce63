-- CreateTable
CREATE TABLE "Visit" (
    "id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "platform" TEXT NOT NULL,
    "requesterId" TEXT NOT NULL,
    "leadStaffId" TEXT NOT NULL,
    "secondStaffId" TEXT,
    "pupilInitials" TEXT NOT NULL,
    "plannedStart" TIMESTAMPTZ(3) NOT NULL,
    "expectedReturn" TIMESTAMPTZ(3) NOT NULL,
    "request" JSONB NOT NULL,
    "codeWordHash" TEXT NOT NULL,
    "warnings" JSONB NOT NULL DEFAULT '[]',
    "policyVersion" TEXT NOT NULL,
    "policySnapshot" JSONB NOT NULL,
    "decision" JSONB,
    "progress" JSONB NOT NULL,
    "messageRefs" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "recordedAt" TIMESTAMPTZ(3),
    "anonymisedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Visit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" BIGSERIAL NOT NULL,
    "visitId" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actorId" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Timer" (
    "id" TEXT NOT NULL,
    "visitId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "claimedBy" TEXT,
    "claimedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "firedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Timer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Outbox" (
    "id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "updates" TEXT,
    "refKey" TEXT,
    "critical" BOOLEAN NOT NULL DEFAULT false,
    "visitId" TEXT,
    "target" JSONB NOT NULL,
    "message" JSONB NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMPTZ(3),
    "deliveredRef" JSONB,

    CONSTRAINT "Outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VisitRecord" (
    "id" TEXT NOT NULL,
    "visitId" TEXT NOT NULL,
    "submittedBy" TEXT NOT NULL,
    "submittedAt" TIMESTAMPTZ(3) NOT NULL,
    "form" JSONB NOT NULL,
    "supersedes" TEXT,

    CONSTRAINT "VisitRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChannelBinding" (
    "platform" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "ref" JSONB NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ChannelBinding_pkey" PRIMARY KEY ("platform","role")
);

-- CreateIndex
CREATE INDEX "Visit_status_plannedStart_idx" ON "Visit"("status", "plannedStart");

-- CreateIndex
CREATE INDEX "Visit_leadStaffId_idx" ON "Visit"("leadStaffId");

-- CreateIndex
CREATE INDEX "Visit_secondStaffId_idx" ON "Visit"("secondStaffId");

-- CreateIndex
CREATE INDEX "AuditEntry_visitId_at_idx" ON "AuditEntry"("visitId", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");

-- CreateIndex
CREATE INDEX "Timer_state_dueAt_idx" ON "Timer"("state", "dueAt");

-- CreateIndex
CREATE INDEX "Timer_visitId_state_idx" ON "Timer"("visitId", "state");

-- CreateIndex
CREATE INDEX "Outbox_state_nextAttemptAt_idx" ON "Outbox"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Outbox_visitId_state_idx" ON "Outbox"("visitId", "state");

-- CreateIndex
CREATE INDEX "VisitRecord_visitId_submittedAt_idx" ON "VisitRecord"("visitId", "submittedAt");

-- AddForeignKey
ALTER TABLE "AuditEntry" ADD CONSTRAINT "AuditEntry_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "Visit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Timer" ADD CONSTRAINT "Timer_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "Visit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VisitRecord" ADD CONSTRAINT "VisitRecord_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "Visit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
