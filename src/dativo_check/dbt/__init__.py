"""dbt integration: contracts -> dbt sources, staging models, exposures and data tests; drift check."""
