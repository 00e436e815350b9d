-- CreateTable
CREATE TABLE "ExternalPop3Account" (
    "id" SERIAL NOT NULL,
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
    "lastRunAt" TIMESTAMP(3),
    "lastCount" INTEGER NOT NULL DEFAULT 0,
    "lastSkipped" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT NOT NULL DEFAULT '',
    "lastErrorDetail" TEXT NOT NULL DEFAULT '',
    "lockedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ExternalPop3Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FetchedUidl" (
    "accountId" INTEGER NOT NULL,
    "uidl" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FetchedUidl_pkey" PRIMARY KEY ("accountId","uidl")
);

-- CreateIndex
CREATE INDEX "ExternalPop3Account_owner_idx" ON "ExternalPop3Account"("owner");

-- AddForeignKey
ALTER TABLE "FetchedUidl" ADD CONSTRAINT "FetchedUidl_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "ExternalPop3Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
