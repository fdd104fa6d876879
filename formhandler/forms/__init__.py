"""What both public forms are built from: fields, validators, the bot check, the page, and how a post is received."""
