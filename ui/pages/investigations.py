from ui import investigations
from ui.common import run_page

run_page(investigations.render)
