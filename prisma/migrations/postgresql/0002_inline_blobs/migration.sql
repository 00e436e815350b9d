-- CreateTable
CREATE TABLE "Blob" (
    "hash" TEXT NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "Blob_pkey" PRIMARY KEY ("hash")
);
