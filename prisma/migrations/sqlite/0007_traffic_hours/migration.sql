-- CreateTable
CREATE TABLE "TrafficHour" (
    "hour" INTEGER NOT NULL,
    "direction" TEXT NOT NULL,
    "messages" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("hour", "direction")
);
