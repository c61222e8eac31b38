-- podgen create-migration: the whole schema of the app's tables at this version
-- (podgen's own system tables are versioned separately).

CREATE TABLE "author" (
	"id" bigserial PRIMARY KEY,
	"name" text NOT NULL,
	"email" text
);
CREATE UNIQUE INDEX "author_email_idx" ON "author" USING btree ("email");

CREATE TABLE "book" (
	"id" bigserial PRIMARY KEY,
	"title" text NOT NULL,
	"author_id" bigint NOT NULL,
	"pages" bigint,
	"subtitle" text
);
CREATE INDEX "book_author_idx" ON "book" USING btree ("author_id");

CREATE TABLE "review" (
	"id" bigserial PRIMARY KEY,
	"book_id" bigint NOT NULL,
	"stars" bigint NOT NULL,
	"comment" text
);
CREATE INDEX "review_book_idx" ON "review" USING btree ("book_id");
