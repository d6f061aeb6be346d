from ui import resolve_page
from ui.common import run_page

run_page(resolve_page.render)
