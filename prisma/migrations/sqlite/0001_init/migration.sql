-- CreateTable
CREATE TABLE "Domain" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Account" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "address" TEXT NOT NULL,
    "addressKey" TEXT NOT NULL,
    "domainId" INTEGER NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "displayName" TEXT NOT NULL DEFAULT '',
    "isAdmin" BOOLEAN NOT NULL DEFAULT false,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "quotaBytes" BIGINT NOT NULL,
    "usedBytes" BIGINT NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Account_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "Domain" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Alias" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "addressKey" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "domainId" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Alias_domainId_fkey" FOREIGN KEY ("domainId") REFERENCES "Domain" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Mailbox" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "accountId" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "specialUse" TEXT NOT NULL DEFAULT '',
    "subscribed" BOOLEAN NOT NULL DEFAULT true,
    "uidValidity" INTEGER NOT NULL,
    "uidNext" INTEGER NOT NULL DEFAULT 1,
    "highestModSeq" BIGINT NOT NULL DEFAULT 1,
    "messageCount" INTEGER NOT NULL DEFAULT 0,
    "unseenCount" INTEGER NOT NULL DEFAULT 0,
    "totalBytes" BIGINT NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Mailbox_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MessageContent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "blobHash" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "headerSize" INTEGER NOT NULL,
    "lines" INTEGER NOT NULL,
    "messageId" TEXT NOT NULL DEFAULT '',
    "subject" TEXT NOT NULL DEFAULT '',
    "fromAddress" TEXT NOT NULL DEFAULT '',
    "fromName" TEXT NOT NULL DEFAULT '',
    "toAddresses" TEXT NOT NULL DEFAULT '',
    "ccAddresses" TEXT NOT NULL DEFAULT '',
    "sentAt" DATETIME,
    "inReplyTo" TEXT NOT NULL DEFAULT '',
    "references" TEXT NOT NULL DEFAULT '',
    "hasAttachment" BOOLEAN NOT NULL DEFAULT false,
    "preview" TEXT NOT NULL DEFAULT '',
    "envelope" TEXT NOT NULL,
    "bodyStructure" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "MailboxMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "mailboxId" INTEGER NOT NULL,
    "uid" INTEGER NOT NULL,
    "modSeq" BIGINT NOT NULL,
    "contentId" INTEGER NOT NULL,
    "internalDate" DATETIME NOT NULL,
    "seen" BOOLEAN NOT NULL DEFAULT false,
    "answered" BOOLEAN NOT NULL DEFAULT false,
    "flagged" BOOLEAN NOT NULL DEFAULT false,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "draft" BOOLEAN NOT NULL DEFAULT false,
    "keywords" TEXT NOT NULL DEFAULT '',
    "envelopeInfo" TEXT NOT NULL DEFAULT '',
    CONSTRAINT "MailboxMessage_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "MailboxMessage_contentId_fkey" FOREIGN KEY ("contentId") REFERENCES "MessageContent" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ExpungedMessage" (
    "mailboxId" INTEGER NOT NULL,
    "uid" INTEGER NOT NULL,
    "modSeq" BIGINT NOT NULL,

    PRIMARY KEY ("mailboxId", "uid"),
    CONSTRAINT "ExpungedMessage_mailboxId_fkey" FOREIGN KEY ("mailboxId") REFERENCES "Mailbox" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Domain_name_key" ON "Domain"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Account_address_key" ON "Account"("address");

-- CreateIndex
CREATE UNIQUE INDEX "Account_addressKey_key" ON "Account"("addressKey");

-- CreateIndex
CREATE UNIQUE INDEX "Alias_addressKey_destination_key" ON "Alias"("addressKey", "destination");

-- CreateIndex
CREATE UNIQUE INDEX "Mailbox_accountId_name_key" ON "Mailbox"("accountId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "MessageContent_blobHash_key" ON "MessageContent"("blobHash");

-- CreateIndex
CREATE INDEX "MailboxMessage_mailboxId_modSeq_idx" ON "MailboxMessage"("mailboxId", "modSeq");

-- CreateIndex
CREATE INDEX "MailboxMessage_contentId_idx" ON "MailboxMessage"("contentId");

-- CreateIndex
CREATE UNIQUE INDEX "MailboxMessage_mailboxId_uid_key" ON "MailboxMessage"("mailboxId", "uid");

-- CreateIndex
CREATE INDEX "ExpungedMessage_mailboxId_modSeq_idx" ON "ExpungedMessage"("mailboxId", "modSeq");

-- Full-text index (hand-written: Prisma cannot express FTS5). One row per MessageContent,
-- rowid = MessageContent.id. The trigram tokenizer gives IMAP SEARCH its substring,
-- case-insensitive semantics, for Chinese text as well as for words.
CREATE VIRTUAL TABLE "message_search" USING fts5("subject", "addresses", "body", tokenize = 'trigram');
