-- CreateTable
CREATE TABLE "WebmailSettings" (
    "owner" TEXT NOT NULL,
    "displayName" TEXT NOT NULL DEFAULT '',
    "timeZone" TEXT NOT NULL DEFAULT '',
    "density" TEXT NOT NULL DEFAULT 'comfortable',
    "pageSize" INTEGER NOT NULL DEFAULT 50,
    "remoteImages" TEXT NOT NULL DEFAULT 'ask',
    "undoSendSeconds" INTEGER NOT NULL DEFAULT 10,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebmailSettings_pkey" PRIMARY KEY ("owner")
);

-- CreateTable
CREATE TABLE "WebmailIdentity" (
    "id" SERIAL NOT NULL,
    "owner" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "displayName" TEXT NOT NULL DEFAULT '',
    "signature" TEXT NOT NULL DEFAULT '',
    "signatureHtml" BOOLEAN NOT NULL DEFAULT false,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebmailIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebmailPendingSend" (
    "id" SERIAL NOT NULL,
    "owner" TEXT NOT NULL,
    "sealedPassword" TEXT NOT NULL,
    "draftUid" INTEGER NOT NULL,
    "messageId" TEXT NOT NULL,
    "envelope" TEXT NOT NULL,
    "answers" TEXT NOT NULL DEFAULT '',
    "sendAt" TIMESTAMP(3) NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "failure" TEXT NOT NULL DEFAULT '',
    "detail" TEXT NOT NULL DEFAULT '',
    "lockedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebmailPendingSend_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "WebmailIdentity_owner_address_key" ON "WebmailIdentity"("owner", "address");

-- CreateIndex
CREATE INDEX "WebmailPendingSend_state_sendAt_idx" ON "WebmailPendingSend"("state", "sendAt");

-- CreateIndex
CREATE INDEX "WebmailPendingSend_owner_idx" ON "WebmailPendingSend"("owner");
