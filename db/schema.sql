-- The Cruddur app's users table, as its own db/schema.sql creates it: where the app keeps
-- its users, and what `ddbtool --users-db URL` reads (handles) and writes (cognito_user_id).
-- gen_random_uuid() is built into PostgreSQL 13 and newer; the app's uuid_generate_v4()
-- needs the uuid-ossp extension for the same result.
DROP TABLE IF EXISTS public.users;
CREATE TABLE public.users (
  uuid UUID DEFAULT gen_random_uuid() PRIMARY KEY,
  display_name text NOT NULL,
  handle text NOT NULL,
  email text NOT NULL,
  cognito_user_id text NOT NULL,
  created_at TIMESTAMP default current_timestamp NOT NULL
);
