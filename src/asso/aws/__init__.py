"""Layer aws: the AWS config model (profiles, sessions, tokens, caches), no network.

Imports the shared leaves and aws only; the prompt path runs on it.
"""
