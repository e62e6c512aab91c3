import sys

from tillui.cli import main

sys.exit(main())
