"""Validate stage: documents become typed models; every mistake is located."""
