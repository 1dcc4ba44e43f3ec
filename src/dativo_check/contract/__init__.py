"""Loading contracts: safe YAML, typed views, discovery in a repository, legacy migration."""
