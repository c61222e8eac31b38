-- podgen create-migration: the first version, the whole schema.

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
