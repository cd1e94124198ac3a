"""Identity: citizens through 浙里办 SSO, staff by password, partner devices by API key."""
