from unship.cli import main

raise SystemExit(main())
