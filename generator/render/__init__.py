"""Render stage: page specs become Markdown and calendar files, in memory."""
