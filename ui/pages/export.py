from ui import export_page
from ui.common import run_page

run_page(export_page.render)
