-- AlterTable
ALTER TABLE "MailboxMessage" ADD COLUMN     "pop3RetrievedAt" TIMESTAMP(3);
