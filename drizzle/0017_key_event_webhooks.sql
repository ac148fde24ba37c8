CREATE TABLE "api_key_expiry_notices" (
	"api_key_id" uuid NOT NULL,
	"days_before" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_key_expiry_notices_api_key_id_days_before_expires_at_pk" PRIMARY KEY("api_key_id","days_before","expires_at")
);
--> statement-breakpoint
ALTER TABLE "api_key_expiry_notices" ADD CONSTRAINT "api_key_expiry_notices_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_keys_expiry_notice_idx" ON "api_keys" USING btree ("expires_at") WHERE "api_keys"."kind" = 'integration' and "api_keys"."status" = 'active' and "api_keys"."expires_at" is not null;