from dativo_check.cli import main

raise SystemExit(main())
