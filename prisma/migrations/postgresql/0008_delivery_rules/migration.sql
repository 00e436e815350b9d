-- CreateTable
CREATE TABLE "DeliveryRules" (
    "accountId" INTEGER NOT NULL,
    "forwardTo" TEXT NOT NULL DEFAULT '',
    "forwardKeepCopy" BOOLEAN NOT NULL DEFAULT true,
    "vacationEnabled" BOOLEAN NOT NULL DEFAULT false,
    "vacationSubject" TEXT NOT NULL DEFAULT '',
    "vacationBody" TEXT NOT NULL DEFAULT '',
    "vacationStart" TIMESTAMP(3),
    "vacationEnd" TIMESTAMP(3),
    "vacationDays" INTEGER NOT NULL DEFAULT 7,
    "filters" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeliveryRules_pkey" PRIMARY KEY ("accountId")
);

-- CreateTable
CREATE TABLE "VacationReply" (
    "accountId" INTEGER NOT NULL,
    "sender" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VacationReply_pkey" PRIMARY KEY ("accountId","sender")
);

-- AddForeignKey
ALTER TABLE "DeliveryRules" ADD CONSTRAINT "DeliveryRules_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VacationReply" ADD CONSTRAINT "VacationReply_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
