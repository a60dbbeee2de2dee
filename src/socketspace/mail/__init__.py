"""Email: a transactional outbox (rows written with the change that causes them), templates
rendered when a row is sent, and the transports that send it (SMTP, or .eml files in dev)."""
