package pod

// AuthMigrationSQL creates the auth module's tables. pod_user_info holds
// exactly the columns of the UserInfo class (its table); the others are
// the module's own:
//
//   - pod_auth_key: one row per key handed out by a sign-in. Only the
//     SHA-256 of the key's secret is stored; revoking a key deletes its row.
//   - pod_auth_provider: a Google or Apple account (provider, subject)
//     linked to a user.
//   - pod_email_auth: a user's email and password (an Argon2id PHC string).
//   - pod_email_create_request: an account requested and not yet
//     verified, with its password hash and the SHA-256 of its code.
//   - pod_email_reset: a password reset requested, the SHA-256 of its code.
//   - pod_email_failed_sign_in: failed sign-ins and wrong codes, by email
//     (NULL for codes) and client address, for the lockout.
//   - pod_email_sent: the codes mailed, by email (and the client address,
//     for the record), so that nobody can flood an address with them.
//
// Emails are stored lower-cased. Times are UTC, like every DateTime
// column. Deleting a user deletes everything of theirs.
const AuthMigrationSQL = `CREATE TABLE IF NOT EXISTS "pod_user_info" (
	"id" bigserial PRIMARY KEY,
	"user_identifier" text NOT NULL,
	"user_name" text,
	"full_name" text,
	"email" text,
	"created" timestamp NOT NULL,
	"image_url" text,
	"scope_names" json NOT NULL,
	"blocked" boolean NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS "pod_user_info_user_identifier_idx" ON "pod_user_info" ("user_identifier");
CREATE INDEX IF NOT EXISTS "pod_user_info_email_idx" ON "pod_user_info" (lower("email"));
CREATE TABLE IF NOT EXISTS "pod_auth_key" (
	"id" bigserial PRIMARY KEY,
	"user_id" bigint NOT NULL REFERENCES "pod_user_info" ("id") ON DELETE CASCADE,
	"secret_hash" bytea NOT NULL,
	"method" text NOT NULL,
	"created" timestamp NOT NULL,
	"expires" timestamp
);
CREATE INDEX IF NOT EXISTS "pod_auth_key_user_id_idx" ON "pod_auth_key" ("user_id");
CREATE TABLE IF NOT EXISTS "pod_auth_provider" (
	"id" bigserial PRIMARY KEY,
	"provider" text NOT NULL,
	"subject" text NOT NULL,
	"user_id" bigint NOT NULL REFERENCES "pod_user_info" ("id") ON DELETE CASCADE,
	"created" timestamp NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS "pod_auth_provider_subject_idx" ON "pod_auth_provider" ("provider", "subject");
CREATE INDEX IF NOT EXISTS "pod_auth_provider_user_id_idx" ON "pod_auth_provider" ("user_id");
CREATE TABLE IF NOT EXISTS "pod_email_auth" (
	"id" bigserial PRIMARY KEY,
	"user_id" bigint NOT NULL REFERENCES "pod_user_info" ("id") ON DELETE CASCADE,
	"email" text NOT NULL,
	"hash" text NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS "pod_email_auth_email_idx" ON "pod_email_auth" ("email");
CREATE UNIQUE INDEX IF NOT EXISTS "pod_email_auth_user_id_idx" ON "pod_email_auth" ("user_id");
CREATE TABLE IF NOT EXISTS "pod_email_create_request" (
	"id" bigserial PRIMARY KEY,
	"user_name" text NOT NULL,
	"email" text NOT NULL,
	"hash" text NOT NULL,
	"code_hash" bytea NOT NULL,
	"expires" timestamp NOT NULL,
	"failed_attempts" integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS "pod_email_create_request_email_idx" ON "pod_email_create_request" ("email");
CREATE INDEX IF NOT EXISTS "pod_email_create_request_expires_idx" ON "pod_email_create_request" ("expires");
CREATE TABLE IF NOT EXISTS "pod_email_reset" (
	"id" bigserial PRIMARY KEY,
	"user_id" bigint NOT NULL REFERENCES "pod_user_info" ("id") ON DELETE CASCADE,
	"code_hash" bytea NOT NULL,
	"expires" timestamp NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS "pod_email_reset_code_hash_idx" ON "pod_email_reset" ("code_hash");
CREATE UNIQUE INDEX IF NOT EXISTS "pod_email_reset_user_id_idx" ON "pod_email_reset" ("user_id");
CREATE INDEX IF NOT EXISTS "pod_email_reset_expires_idx" ON "pod_email_reset" ("expires");
CREATE TABLE IF NOT EXISTS "pod_email_failed_sign_in" (
	"id" bigserial PRIMARY KEY,
	"email" text,
	"ip_address" text NOT NULL,
	"time" timestamp NOT NULL
);
CREATE INDEX IF NOT EXISTS "pod_email_failed_sign_in_email_idx" ON "pod_email_failed_sign_in" ("email", "time");
CREATE INDEX IF NOT EXISTS "pod_email_failed_sign_in_ip_idx" ON "pod_email_failed_sign_in" ("ip_address", "time");
CREATE INDEX IF NOT EXISTS "pod_email_failed_sign_in_time_idx" ON "pod_email_failed_sign_in" ("time");
CREATE TABLE IF NOT EXISTS "pod_email_sent" (
	"id" bigserial PRIMARY KEY,
	"email" text NOT NULL,
	"ip_address" text NOT NULL,
	"time" timestamp NOT NULL
);
CREATE INDEX IF NOT EXISTS "pod_email_sent_email_idx" ON "pod_email_sent" ("email", "time");
`

// AuthMigrationModule is the auth module's schema history, applied after
// podgen's system module (which it needs: session logs and future calls
// name their user).
func AuthMigrationModule() MigrationModule {
	return MigrationModule{Name: "auth", Versions: []MigrationVersion{{Version: "0001-auth", SQL: AuthMigrationSQL}}}
}
