CREATE TABLE "key_access_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"status" smallint NOT NULL,
	"ip" text,
	"user_agent" text,
	"latency_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "key_usage_hourly" (
	"key_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"success" integer DEFAULT 0 NOT NULL,
	"denied" integer DEFAULT 0 NOT NULL,
	"rate_limited" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "key_usage_hourly_key_id_hour_pk" PRIMARY KEY("key_id","hour")
);
--> statement-breakpoint
ALTER TABLE "key_access_log" ADD CONSTRAINT "key_access_log_key_id_api_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "key_usage_hourly" ADD CONSTRAINT "key_usage_hourly_key_id_api_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "key_access_log_key_at_idx" ON "key_access_log" USING btree ("key_id","at");--> statement-breakpoint
CREATE INDEX "key_access_log_at_idx" ON "key_access_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "key_usage_hourly_org_hour_idx" ON "key_usage_hourly" USING btree ("organisation_id","hour");