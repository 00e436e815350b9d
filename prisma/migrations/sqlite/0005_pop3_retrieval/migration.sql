-- AlterTable
ALTER TABLE "MailboxMessage" ADD COLUMN "pop3RetrievedAt" DATETIME;
