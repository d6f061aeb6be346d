from ui import overview
from ui.common import run_page

run_page(overview.render)
