-- CreateTable
CREATE TABLE "StaffDetails" (
    "staffId" TEXT NOT NULL,
    "mobile" TEXT,
    "vehicle" JSONB,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "StaffDetails_pkey" PRIMARY KEY ("staffId")
);
