"""我的 (mine): the citizen's own timeline across the three services and the inbox of SMS sent to them."""
