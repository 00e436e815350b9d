-- CreateTable
CREATE TABLE "ExternalPop3Account" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "owner" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "tls" TEXT NOT NULL DEFAULT 'implicit',
    "user" TEXT NOT NULL,
    "sealedPassword" TEXT NOT NULL,
    "sealedOwnerPassword" TEXT NOT NULL,
    "folder" TEXT NOT NULL DEFAULT 'INBOX',
    "retention" TEXT NOT NULL DEFAULT 'keep',
    "retentionDays" INTEGER NOT NULL DEFAULT 0,
    "lastRunAt" DATETIME,
    "lastCount" INTEGER NOT NULL DEFAULT 0,
    "lastSkipped" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT NOT NULL DEFAULT '',
    "lastErrorDetail" TEXT NOT NULL DEFAULT '',
    "lockedUntil" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "FetchedUidl" (
    "accountId" INTEGER NOT NULL,
    "uidl" TEXT NOT NULL,
    "firstSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("accountId", "uidl"),
    CONSTRAINT "FetchedUidl_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "ExternalPop3Account" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ExternalPop3Account_owner_idx" ON "ExternalPop3Account"("owner");
