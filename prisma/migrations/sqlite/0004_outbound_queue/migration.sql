-- CreateTable
CREATE TABLE "QueueMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "blobHash" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sender" TEXT NOT NULL,
    "envid" TEXT NOT NULL DEFAULT '',
    "ret" TEXT NOT NULL DEFAULT '',
    "body" TEXT NOT NULL DEFAULT '7BIT',
    "smtputf8" BOOLEAN NOT NULL DEFAULT false,
    "accountId" INTEGER,
    "messageId" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "QueueRecipient" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "queueMessageId" INTEGER NOT NULL,
    "address" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "notify" TEXT NOT NULL DEFAULT '',
    "orcpt" TEXT NOT NULL DEFAULT '',
    "state" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "lastAttemptAt" DATETIME,
    "lastResponse" TEXT NOT NULL DEFAULT '',
    "remoteHost" TEXT NOT NULL DEFAULT '',
    "delayNotified" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "QueueRecipient_queueMessageId_fkey" FOREIGN KEY ("queueMessageId") REFERENCES "QueueMessage" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Domain" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "dkimSelector" TEXT NOT NULL DEFAULT '',
    "dkimPrivateKey" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_Domain" ("createdAt", "id", "name") SELECT "createdAt", "id", "name" FROM "Domain";
DROP TABLE "Domain";
ALTER TABLE "new_Domain" RENAME TO "Domain";
CREATE UNIQUE INDEX "Domain_name_key" ON "Domain"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "QueueRecipient_state_nextAttemptAt_idx" ON "QueueRecipient"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "QueueRecipient_queueMessageId_idx" ON "QueueRecipient"("queueMessageId");
