-- podgen create-migration: the changes since the previous version.

DROP INDEX "author_email_idx";

-- podgen: drops column book.isbn and all its values
ALTER TABLE "book" DROP COLUMN "isbn";

-- podgen: a unique index fails to build if rows already repeat a value
CREATE UNIQUE INDEX "author_email_idx" ON "author" USING btree ("email");
