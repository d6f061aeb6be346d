from ui import paths
from ui.common import run_page

run_page(paths.render)
