"""Layer shell: the plugin protocol on the prompt path (state records, rendering, completion).

Imports the shared leaves, aws and shell; never sso, boto3 or botocore.
"""
