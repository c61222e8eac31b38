-- podgen create-migration: the whole schema of the app's tables at this version
-- (podgen's own system tables are versioned separately).

CREATE TABLE "author" (
	"id" bigserial PRIMARY KEY,
	"name" text NOT NULL,
	"email" text
);

CREATE TABLE "book" (
	"id" bigserial PRIMARY KEY,
	"title" text NOT NULL,
	"author_id" bigint NOT NULL,
	"isbn" text NOT NULL,
	"pages" bigint
);
CREATE INDEX "book_author_idx" ON "book" USING btree ("author_id");
