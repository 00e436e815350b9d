-- AlterTable
ALTER TABLE "Domain" ADD COLUMN     "dkimPrivateKey" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "dkimSelector" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "QueueMessage" (
    "id" SERIAL NOT NULL,
    "blobHash" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sender" TEXT NOT NULL,
    "envid" TEXT NOT NULL DEFAULT '',
    "ret" TEXT NOT NULL DEFAULT '',
    "body" TEXT NOT NULL DEFAULT '7BIT',
    "smtputf8" BOOLEAN NOT NULL DEFAULT false,
    "accountId" INTEGER,
    "messageId" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QueueMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QueueRecipient" (
    "id" SERIAL NOT NULL,
    "queueMessageId" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "notify" TEXT NOT NULL DEFAULT '',
    "orcpt" TEXT NOT NULL DEFAULT '',
    "state" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "lastAttemptAt" TIMESTAMP(3),
    "lastResponse" TEXT NOT NULL DEFAULT '',
    "remoteHost" TEXT NOT NULL DEFAULT '',
    "delayNotified" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "QueueRecipient_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "QueueRecipient_state_nextAttemptAt_idx" ON "QueueRecipient"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "QueueRecipient_queueMessageId_idx" ON "QueueRecipient"("queueMessageId");

-- AddForeignKey
ALTER TABLE "QueueRecipient" ADD CONSTRAINT "QueueRecipient_queueMessageId_fkey" FOREIGN KEY ("queueMessageId") REFERENCES "QueueMessage"("id") ON DELETE CASCADE ON UPDATE CASCADE;
