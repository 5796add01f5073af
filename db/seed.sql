-- The app's users for the demo and the tests: the users of seeds/cruddur.yaml, with the
-- same uuids, so `ddbtool seed --users-db URL` finds the seed file in agreement.
-- 'MOCK' is the app's placeholder until `ddbtool update-cognito-ids` writes the real sub.
INSERT INTO public.users (uuid, display_name, handle, email, cognito_user_id)
VALUES
  ('cb3ad761-ce99-4a8e-9880-1b908c735e8c', 'Andrew Brown', 'andrewbrown', 'andrew@exampro.co', 'MOCK'),
  ('3efa2ae0-c1e3-40bc-82ff-aa606de97e0c', 'Andrew Bayko', 'bayko', 'bayko@exampro.co', 'MOCK'),
  ('53918a61-aa9f-4bfc-9ed6-3545f3384b54', 'Londo Mollari', 'londo', 'lmollari@centari.com', 'MOCK');
