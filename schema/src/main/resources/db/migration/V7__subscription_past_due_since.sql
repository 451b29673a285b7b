-- When the subscription went past_due (the created time of the Stripe event that said so), so a
-- past_due subscriber keeps the plan's tier for the configured grace (STRIPE_PAST_DUE_GRACE_DAYS)
-- and no longer. Null in every other status.
ALTER TABLE subscriptions ADD COLUMN past_due_since timestamptz;
