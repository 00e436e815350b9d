-- CreateTable
CREATE TABLE "DeliveryRules" (
    "accountId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "forwardTo" TEXT NOT NULL DEFAULT '',
    "forwardKeepCopy" BOOLEAN NOT NULL DEFAULT true,
    "vacationEnabled" BOOLEAN NOT NULL DEFAULT false,
    "vacationSubject" TEXT NOT NULL DEFAULT '',
    "vacationBody" TEXT NOT NULL DEFAULT '',
    "vacationStart" DATETIME,
    "vacationEnd" DATETIME,
    "vacationDays" INTEGER NOT NULL DEFAULT 7,
    "filters" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DeliveryRules_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "VacationReply" (
    "accountId" INTEGER NOT NULL,
    "sender" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,

    PRIMARY KEY ("accountId", "sender"),
    CONSTRAINT "VacationReply_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
