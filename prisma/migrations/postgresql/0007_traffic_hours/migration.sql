-- CreateTable
CREATE TABLE "TrafficHour" (
    "hour" INTEGER NOT NULL,
    "direction" TEXT NOT NULL,
    "messages" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "TrafficHour_pkey" PRIMARY KEY ("hour","direction")
);
