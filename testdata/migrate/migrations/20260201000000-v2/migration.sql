-- podgen create-migration: the changes since the previous version.

CREATE TABLE "review" (
	"id" bigserial PRIMARY KEY,
	"book_id" bigint NOT NULL,
	"stars" bigint NOT NULL,
	"comment" text
);
CREATE INDEX "review_book_idx" ON "review" USING btree ("book_id");

ALTER TABLE "book" ADD COLUMN "subtitle" text;

CREATE INDEX "author_email_idx" ON "author" USING btree ("email");
