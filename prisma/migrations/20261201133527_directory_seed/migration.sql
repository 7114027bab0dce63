-- AlterTable
ALTER TABLE "School" ADD COLUMN     "directorySeed" TEXT;
