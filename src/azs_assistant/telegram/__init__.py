"""The Telegram bot: questions, form photos, ticket acknowledgements and reports in a chat."""
