CREATE TABLE "usage_flushes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"flushed_at" timestamp with time zone DEFAULT now() NOT NULL
);
