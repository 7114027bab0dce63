-- AlterTable
ALTER TABLE "Outbox" ADD COLUMN     "reportedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "ThreadLink" (
    "platform" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "threadId" TEXT NOT NULL,
    "visitId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ThreadLink_pkey" PRIMARY KEY ("platform","channel","threadId")
);

-- CreateTable
CREATE TABLE "OnceKey" (
    "key" TEXT NOT NULL,
    "result" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OnceKey_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "ThreadLink_visitId_idx" ON "ThreadLink"("visitId");

-- CreateIndex
CREATE INDEX "OnceKey_createdAt_idx" ON "OnceKey"("createdAt");

-- Threads already open are linked, so replies in them keep reaching their visit.
INSERT INTO "ThreadLink" ("platform", "channel", "threadId", "visitId", "createdAt")
SELECT split_part(r.key, ':', 1), split_part(r.value->>'channel', ';', 1), COALESCE(r.value->>'ts', r.value->>'id'), v."id", v."updatedAt"
FROM "Visit" v, jsonb_each(v."messageRefs") AS r(key, value)
WHERE r.key LIKE '%:thread' AND COALESCE(r.value->>'ts', r.value->>'id') IS NOT NULL AND r.value->>'channel' IS NOT NULL
ON CONFLICT DO NOTHING;

-- The code word's alarm is no longer a status: a visit "in emergency" goes back to where its staff
-- were, with the alarm beside it, and its timer is due so the alarm repeats until someone takes it.
UPDATE "Visit" SET
  "status" = CASE
    WHEN "progress" ? 'returnedAt' THEN 'returned'
    WHEN "progress" ? 'leftAddressAt' THEN 'left_address'
    WHEN "progress" ? 'enteredAt' THEN 'in_home'
    WHEN "progress" ? 'arrivedAt' THEN 'at_address'
    ELSE 'under_way' END,
  "progress" = ("progress" - 'emergency') || jsonb_build_object('alarm', jsonb_build_object(
    'kind', 'code_word', 'raisedAt', "progress"->'emergency'->>'raisedAt',
    'lastAlertAt', "progress"->'emergency'->>'raisedAt', 'repeats', 0, 'acknowledged', NULL))
WHERE "status" = 'emergency';

INSERT INTO "Timer" ("id", "visitId", "kind", "dueAt", "state", "createdAt")
SELECT v."id" || ':safety', v."id", 'safety', (v."progress"->'alarm'->>'raisedAt')::timestamptz, 'pending',
  (v."progress"->'alarm'->>'raisedAt')::timestamptz
FROM "Visit" v WHERE v."progress"->'alarm'->>'kind' = 'code_word'
ON CONFLICT ("id") DO UPDATE SET "dueAt" = EXCLUDED."dueAt", "state" = 'pending';
