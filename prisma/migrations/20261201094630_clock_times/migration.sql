-- Every stored time comes from the app's clock (school time, which the console can run faster),
-- never from the database's: without defaults, a time the code forgets to write fails loudly.
-- AlterTable
ALTER TABLE "Outbox" ALTER COLUMN "createdAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "Timer" ALTER COLUMN "createdAt" DROP DEFAULT;

-- AlterTable
ALTER TABLE "Visit" ALTER COLUMN "createdAt" DROP DEFAULT;
