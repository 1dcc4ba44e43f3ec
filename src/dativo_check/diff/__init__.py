"""Breaking-change detection: semantic diff of two contract versions, change rules, compatibility modes, semver gate."""
