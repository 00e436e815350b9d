-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Mailbox" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "accountId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "specialUse" TEXT NOT NULL DEFAULT '',
    "subscribed" BOOLEAN NOT NULL DEFAULT true,
    "uidValidity" INTEGER NOT NULL,
    "uidNext" INTEGER NOT NULL DEFAULT 1,
    "recentUid" INTEGER NOT NULL DEFAULT 1,
    "highestModSeq" BIGINT NOT NULL DEFAULT 1,
    "messageCount" INTEGER NOT NULL DEFAULT 0,
    "unseenCount" INTEGER NOT NULL DEFAULT 0,
    "totalBytes" BIGINT NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Mailbox_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Mailbox" ("accountId", "createdAt", "highestModSeq", "id", "messageCount", "name", "specialUse", "subscribed", "totalBytes", "uidNext", "uidValidity", "unseenCount") SELECT "accountId", "createdAt", "highestModSeq", "id", "messageCount", "name", "specialUse", "subscribed", "totalBytes", "uidNext", "uidValidity", "unseenCount" FROM "Mailbox";
DROP TABLE "Mailbox";
ALTER TABLE "new_Mailbox" RENAME TO "Mailbox";
CREATE UNIQUE INDEX "Mailbox_accountId_name_key" ON "Mailbox"("accountId", "name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
