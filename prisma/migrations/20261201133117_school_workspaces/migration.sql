-- CreateTable
CREATE TABLE "SchoolWorkspace" (
    "platform" TEXT NOT NULL,
    "workspace" TEXT NOT NULL,
    "schoolId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SchoolWorkspace_pkey" PRIMARY KEY ("platform","workspace","schoolId")
);

-- CreateIndex
CREATE INDEX "SchoolWorkspace_schoolId_idx" ON "SchoolWorkspace"("schoolId");

-- AddForeignKey
ALTER TABLE "SchoolWorkspace" ADD CONSTRAINT "SchoolWorkspace_schoolId_fkey" FOREIGN KEY ("schoolId") REFERENCES "School"("id") ON DELETE CASCADE ON UPDATE CASCADE;
