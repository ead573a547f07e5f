"""Members' profiles: what others see of a member (name, avatar, bio, links)."""
