-- AlterTable
ALTER TABLE "Mailbox" ADD COLUMN     "recentUid" INTEGER NOT NULL DEFAULT 1;
